import { chromium, expect, test, type Page } from '@playwright/test';
import { zipSync } from 'fflate';
import { deflateSync } from 'node:zlib';
import { audit } from './axe';
import { learningRateGrid } from './search';
import { CHROMIUM_ARGS, CHROMIUM_PATH, ORIGIN, createProject, openSection, storeBackendSetting, waitForJob } from './browser';

/** A grayscale PNG (8-bit, no filter), written here so the browser's own decoder is what is tested. */
function png(width: number, height: number, pixel: (x: number, y: number) => number): Buffer {
	const crcTable = Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc = (bytes: Buffer) => {
		let c = 0xffffffff;
		for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
		return (c ^ 0xffffffff) >>> 0;
	};
	const chunk = (type: string, data: Buffer) => {
		const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
		const out = Buffer.alloc(12 + data.length);
		out.writeUInt32BE(data.length, 0);
		body.copy(out, 4);
		out.writeUInt32BE(crc(body), 8 + data.length);
		return out;
	};
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8; // bit depth
	header[9] = 0; // grayscale
	const raw = Buffer.alloc((width + 1) * height);
	for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw[y * (width + 1) + 1 + x] = pixel(x, y);
	return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const stripes = (vertical: boolean, shift: number) => png(20, 20, (x, y) => (((vertical ? x : y) + shift) % 6 < 3 ? 255 : 0));

async function expectClean(page: Page, state: string) {
	expect(await audit(page, state)).toEqual([]);
}

test('vision: import images (zip, shipped set), train a CNN and by transfer, see the run, predict an image', async ({ page }) => {
	await createProject(page, 'Vision');
	await openSection(page, 'data');
	await expectClean(page, 'data with image import');

	// A zip of two class folders, with a damaged PNG and a text file that must be skipped with reasons.
	const files: Record<string, Uint8Array> = { 'shapes/notes.txt': new TextEncoder().encode('hello'), 'shapes/vertical/broken.png': new Uint8Array([137, 80, 78, 71, 1, 2, 3]) };
	for (let i = 0; i < 6; i++) {
		files[`shapes/vertical/${i}.png`] = stripes(true, i);
		files[`shapes/horizontal/${i}.png`] = stripes(false, i);
	}
	await page.getByTestId('image-zip-input').setInputFiles({ name: 'shapes.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync(files)) });
	await expect(page.getByTestId('image-summary')).toContainText('12 images · 2 classes · 28×28 grayscale');
	await expect(page.getByTestId('image-classes')).toContainText('horizontal');
	await page.getByTestId('image-skipped').locator('summary').click();
	await expect(page.getByTestId('image-skipped')).toContainText('2 files skipped');
	await expect(page.getByTestId('image-skipped')).toContainText(/broken\.png: could not be decoded/);
	await expect(page.getByTestId('image-skipped')).toContainText(/notes\.txt: not an image file/);
	await expectClean(page, 'imported image folder');
	await page.getByTestId('edit-classes').click();
	await page.getByTestId('class-name-0').fill('flat');
	await expectClean(page, 'editing image classes');
	await page.getByTestId('save-classes').click();
	await expect(page.getByTestId('image-classes')).toContainText('flat');
	await expect(page.getByTestId('image-summary')).toContainText('12 images · 2 classes');

	// Single images: one of "flat" removed (click), one of "vertical" moved to "flat" (keyboard); still so after a reload.
	const count = (name: string) => page.getByTestId('image-classes').locator('tbody tr', { hasText: name }).locator('td.num');
	await expect(page.getByTestId('browse-range')).toHaveText('Images 1–6 of 6 in “flat”');
	// Rows are numbered per dataset version: the grid drops a selection made on the version before the rename.
	await expect(page.getByTestId('image-thumbs')).toHaveAttribute('data-version', '2');
	await page.getByTestId('image-thumb-0').click();
	await expect(page.getByTestId('image-thumb-0')).toHaveAttribute('aria-pressed', 'true');
	await page.getByTestId('remove-images').click();
	await expect(page.getByTestId('image-summary')).toContainText('11 images · 2 classes');
	await expect(page.getByTestId('undo-image-edit')).toBeFocused();
	await page.getByTestId('browse-class').selectOption({ label: 'vertical (6)' });
	await expect(page.getByTestId('browse-range')).toHaveText('Images 1–6 of 6 in “vertical”');
	await page.getByTestId('image-thumb-2').press('Space');
	await page.getByTestId('move-to').selectOption({ label: 'flat' });
	await page.getByTestId('move-images').click();
	await expect(page.getByTestId('image-edit-status')).toContainText('1 image moved to “flat”');
	await expect(count('flat')).toHaveText('6');
	await expect(count('vertical')).toHaveText('5');
	await page.reload();
	await expect(page.getByTestId('image-summary')).toContainText('11 images · 2 classes');
	await expect(count('flat')).toHaveText('6');
	await expect(count('vertical')).toHaveText('5');
	await expect(page.getByTestId('browse-range')).toHaveText('Images 1–6 of 6 in “flat”');
	await expectClean(page, 'class grid after removing and moving images');

	await page.getByTestId('image-demo-digits-28').click();
	await expect(page.getByTestId('image-summary')).toContainText('1,797 images · 10 classes');
	await expectClean(page, 'shipped image set');

	// A small CNN from scratch on a 400-image subset, one epoch. On WASM, set as Settings would: this
	// journey is about training; `auto`'s probe (seconds of software-GPU start-up) is the webcam journey's.
	await storeBackendSetting(page, 'wasm');
	await openSection(page, 'train');
	await page.getByTestId('preset-select').selectOption('tiny');
	await page.getByTestId('image-epochs').fill('2');
	await page.getByTestId('max-images').fill('400');
	await page.getByTestId('augment-rotate').fill('5');
	await expectClean(page, 'image training form');
	await page.getByTestId('image-train-button').click();
	await waitForJob(page);
	// The 400 images include the 80 (a fifth, per class) that score the curves; the 359 held out are scored once, at the end.
	await expect(page.getByTestId('train-job').first()).toContainText(/Training on 320 images, validating on 80/);

	// Transfer learning from the shipped backbone: the head on frozen features.
	await page.getByTestId('mode-transfer').check();
	await page.getByTestId('image-epochs').fill('30');
	await page.getByTestId('max-images').fill('400');
	await page.getByTestId('image-train-button').click();
	await waitForJob(page);
	await expectClean(page, 'image runs finished');

	await page.getByTestId('open-run').first().click();
	const runs = page.getByTestId('run-list');
	await expect(runs).toContainText('CNN transfer (backbone)');
	await expect(runs).toContainText('CNN tiny');
	await expect(page.getByTestId('run-report')).toContainText('359 holdout rows');
	expect(Number(await page.getByTestId('metric-accuracy').textContent())).toBeGreaterThan(0.3);
	await page.getByTestId('show-confused').click();
	await expect(page.getByTestId('confused-pairs')).toContainText(/taken for|No mistakes/);
	await expectClean(page, 'image run report');

	// Trust: PGD L∞ on the scratch CNN's held-out images (ε on the [0, 1] pixel scale), attacked images beside the originals.
	await page.getByTestId('section-trust').click();
	await expect(page.getByTestId('section-trust')).toHaveAttribute('aria-current', 'page');
	await expect(page.getByTestId('trust-images-note')).toBeVisible();
	await expect(page.getByTestId('robustness-image-note')).toBeVisible();
	await expect(page.getByTestId('robustness-run')).toContainText('CNN tiny');
	await page.getByTestId('robustness-epsilons').fill('0.05, 0.2');
	await page.getByLabel('PGD steps').fill('2');
	await page.getByTestId('robustness-button').click();
	await expect(page.getByTestId('robustness-result')).toBeVisible({ timeout: 300_000 });
	const curve = (await page.getByTestId('robustness-plot').getByRole('img').getAttribute('aria-label'))!;
	const accuracies = [...curve.matchAll(/ε [\d.]+: ([\d.]+) %/g)].map((m) => Number(m[1]));
	expect(accuracies).toHaveLength(3);
	expect(accuracies[2]).toBeLessThanOrEqual(accuracies[0]);
	await expect(page.getByTestId('robustness-images').locator('tbody tr').first()).toContainText('→');
	await expect(page.getByTestId('robustness-images').getByRole('img').first()).toBeVisible();
	await expectClean(page, 'image robustness curve with attacked images');

	// Tune on images: a 2-point grid over the learning rate on the last run's settings (transfer, its
	// 400-image subset), 2 epochs a trial, each scored on validation images of its own.
	await learningRateGrid(page, 'transfer model on the shipped backbone', 2);
	await expectClean(page, 'image search done, best trial open');

	// The first finished run (the scratch CNN) is the model in use, and it is still there after a reload.
	await page.reload();
	await openSection(page, 'predict');
	await expect(page.getByTestId('model-in-use')).toContainText('CNN tiny');
	await page.getByTestId('predict-image-input').setInputFiles({ name: 'three.png', mimeType: 'image/png', buffer: png(28, 28, (x, y) => (Math.abs(x - 14) < 4 && y > 4 && y < 24 ? 255 : 0)) });
	const prediction = page.getByTestId('image-prediction');
	await expect(prediction).toContainText('Prediction:');
	await expect(prediction.locator('li')).toHaveCount(5);
	await expect(prediction).toContainText('Grad-CAM');
	await expectClean(page, 'image prediction');
	// A non-image is refused with its name.
	await page.getByTestId('predict-image-input').setInputFiles({ name: 'oops.png', mimeType: 'image/png', buffer: Buffer.from('not a png') });
	await expect(page.getByRole('alert')).toContainText('oops.png could not be decoded');
});

test('vision: capture two classes from the webcam (Chromium\'s fake camera), train on auto, predict a camera frame', async () => {
	const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] });
	try {
		const context = await browser.newContext({ baseURL: ORIGIN, permissions: ['camera'] });
		const page = await context.newPage();
		await createProject(page, 'Webcam');
		await openSection(page, 'data');
		await page.getByTestId('webcam-start').click();
		await expect(page.getByTestId('webcam-video')).toBeVisible();
		await page.getByTestId('webcam-class-0').fill('left');
		await page.getByTestId('webcam-class-1').fill('right');
		await expectClean(page, 'webcam capture');
		for (const i of [0, 1]) {
			const record = page.getByTestId(`webcam-record-${i}`);
			// Enabled once the camera's first frame has arrived: a press before that records nothing.
			await expect(record).toBeEnabled();
			await record.dispatchEvent('pointerdown');
			await expect(page.getByTestId(`webcam-count-${i}`)).toHaveText(/^([3-9]|\d\d+) images$/);
			await record.dispatchEvent('pointerup');
		}
		await page.getByTestId('webcam-save').click();
		await expect(page.getByTestId('image-summary')).toContainText(/\d+ images · 2 classes/);
		await expect(page.getByTestId('image-classes')).toContainText('right');

		// One epoch of the tiny CNN on `auto`: the job first times the model on each backend and logs its pick.
		await openSection(page, 'train');
		await page.getByTestId('preset-select').selectOption('tiny');
		await page.getByTestId('image-epochs').fill('1');
		await page.getByTestId('image-train-button').click();
		await waitForJob(page);
		const job = page.getByTestId('train-job').first();
		await expect(job).toContainText(/Backend auto picked (wasm|webgl|webgpu) for a CNN on \d+×\d+×\d images .*: .*wasm [\d.]+ steps\/s/);
		const picked = (await job.textContent())!.match(/Backend auto picked (\w+)/)![1];
		await expect(job.getByTestId('active-backend')).toHaveText(`Compute backend: ${picked}`);

		// Predict one camera frame: the top classes with probabilities.
		await openSection(page, 'predict');
		await page.getByTestId('camera-start').click();
		await expect(page.getByTestId('camera-video')).toBeVisible();
		await page.getByTestId('camera-capture').click();
		const prediction = page.getByTestId('image-prediction');
		await expect(prediction).toContainText('Camera frame: Grad-CAM');
		await expect(prediction.locator('li')).toHaveCount(2);
		await expect(prediction.locator('li').first()).toContainText(/(left|right)\s*[\d.]+%/);
		await expectClean(page, 'camera prediction');

		// Loose image files labelled by hand become a dataset of their own.
		await page.getByTestId('camera-stop').click();
		await openSection(page, 'data');
		const pick = (name: string, vertical: boolean) => [0, 1, 2].map((i) => ({ name: `${name}${i}.png`, mimeType: 'image/png', buffer: stripes(vertical, i) }));
		await page.getByTestId('pick-label').fill('upright');
		await page.getByTestId('pick-files').setInputFiles(pick('u', true));
		await page.getByTestId('pick-label').fill('lying');
		await page.getByTestId('pick-files').setInputFiles(pick('l', false));
		await expect(page.getByTestId('pick-classes')).toContainText('lying: 3 images');
		await expectClean(page, 'labelled image files');
		await page.getByTestId('pick-save').click();
		await expect(page.getByTestId('image-summary')).toContainText('6 images · 2 classes');
		await expect(page.getByTestId('image-classes')).toContainText('upright');

		// Settings lists what Automatic measured for the CNN above.
		// (Settings starts timing every backend when it opens; its axe audit is a11y.e2e.ts's, not repeated here.)
		await page.getByRole('link', { name: 'Settings', exact: true }).click();
		await expect(page.getByTestId('probe-table')).toContainText(new RegExp(`a CNN on \\d+×\\d+×\\d images .*${picked}`));
	} finally {
		await browser.close();
	}
});
