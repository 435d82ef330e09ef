import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-node';
import { audit } from './axe';
import { createProject, openSection, storeBackendSetting, waitForCompression, waitForJob, watchForeignRequests } from './browser';

// A tiny CNN trained on a slice of the shipped digits images, shipped: ONNX checked on the 359
// holdout images in the page's worker, its sidecar, the trade-off table, an int8 pick exported, and
// the project bundle with the images imported back.


test('vision ship: a tiny CNN exports to ONNX (checked on the holdout images), gets a measured trade-off table, and its project bundle carries the images', async ({ browser }, testInfo) => {
	const context = await browser.newContext({ acceptDownloads: true });
	const foreign = watchForeignRequests(context);
	const page = await context.newPage();
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));

	await createProject(page, 'Digits ship');
	await openSection(page, 'data');
	await page.getByTestId('image-demo-digits-28').click();
	await expect(page.getByTestId('image-summary')).toContainText('1,797 images · 10 classes');
	await storeBackendSetting(page, 'wasm');
	await openSection(page, 'train');
	await page.getByTestId('preset-select').selectOption('tiny');
	await page.getByTestId('image-epochs').fill('2');
	await page.getByTestId('max-images').fill('300');
	await page.getByTestId('image-train-button').click();
	await waitForJob(page);

	await page.getByTestId('section-ship').click();
	await expect(page.getByTestId('ship-images')).toContainText('exports to ONNX');
	expect(await audit(page, 'ship: image run')).toEqual([]);

	// A share link and a standalone page classify a picked picture (drawn here by the browser itself).
	const picture = Buffer.from(
		await page.evaluate(() => {
			const c = document.createElement('canvas');
			c.width = c.height = 40;
			const g = c.getContext('2d')!;
			g.fillStyle = '#000';
			g.fillRect(0, 0, 40, 40);
			g.fillStyle = '#fff';
			g.fillRect(17, 6, 6, 28);
			return c.toDataURL('image/png').split(',')[1];
		}),
		'base64'
	);
	await page.getByTestId('share-title').fill('Digits');
	await page.getByTestId('create-link').click();
	await expect(page.getByTestId('link-fit')).toHaveAttribute('data-fit', /fits|long/);
	const shared = await context.newPage();
	await shared.goto(await page.getByTestId('share-url').inputValue());
	await shared.getByTestId('shared-image').setInputFiles({ name: 'one.png', mimeType: 'image/png', buffer: picture });
	await expect(shared.getByTestId('shared-prediction').locator('li')).toHaveCount(5);
	const linkLabel = await shared.getByTestId('shared-label').innerText();
	expect(await audit(shared, 'share page: image link')).toEqual([]);
	await shared.close();
	await page.getByTestId('build-page').click();
	const [pageDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-page').click()]);
	const htmlPath = testInfo.outputPath('digits-demo.html');
	await pageDownload.saveAs(htmlPath);
	const offline = await browser.newContext();
	const requests: string[] = [];
	offline.on('request', (r) => requests.push(r.url()));
	const demo = await offline.newPage();
	const problems: string[] = [];
	demo.on('pageerror', (e) => problems.push(e.message));
	demo.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
	await demo.goto(pathToFileURL(htmlPath).href);
	await demo.locator('#kiln-image').setInputFiles({ name: 'one.png', mimeType: 'image/png', buffer: picture });
	// Same decoding, same weights: the page gives the link's answer.
	await expect(demo.locator('#kiln-answer')).toHaveText(linkLabel);
	expect(requests.filter((r) => !r.startsWith('file:'))).toEqual([]);
	expect(problems).toEqual([]);
	await offline.close();

	await page.getByTestId('export-onnx').click();
	const check = page.getByTestId('onnx-check');
	await expect(check).toBeVisible();
	expect(Number(await check.getAttribute('data-rows'))).toBe(359);
	expect(Number(await check.getAttribute('data-agreed'))).toBe(359);
	expect(Number(await check.getAttribute('data-max-diff'))).toBeLessThan(1e-4);
	await expect(page.getByTestId('onnx-image-io')).toContainText('uint8');
	expect(await audit(page, 'ship: image ONNX export checked')).toEqual([]);

	// The downloaded file and its sidecar work outside the browser: a blank image gets a class name.
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-onnx').click()]);
	const onnxPath = testInfo.outputPath('digits.onnx');
	await download.saveAs(onnxPath);
	const [sidecarDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-sidecar').click()]);
	const sidecarPath = testInfo.outputPath('digits.preprocessing.json');
	await sidecarDownload.saveAs(sidecarPath);
	const sidecar = JSON.parse(readFileSync(sidecarPath, 'utf8'));
	expect(sidecar.input).toEqual({ name: 'pixels', dtype: 'uint8', layout: 'NHWC', shape: ['N', 28, 28, 1] });
	expect(sidecar.classes).toHaveLength(10);
	const session = await ort.InferenceSession.create(readFileSync(onnxPath));
	const out = await session.run({ pixels: new ort.Tensor('uint8', new Uint8Array(784), [1, 28, 28, 1]) }, ['label']);
	expect(sidecar.classes).toContain(String((out.label.data as string[])[0]));
	await session.release();

	// The trade-off table: one pruning share, one fine-tuning epoch, plus the image-only rows.
	await page.getByTestId('sparsity-80').uncheck();
	await page.getByTestId('prune-epochs').fill('1');
	await page.getByTestId('compress-button').click();
	await waitForCompression(page);
	await expect(page.getByTestId('tradeoff-row')).toHaveCount(8);
	const ids = await page.getByTestId('tradeoff-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-variant')));
	expect(ids).toEqual(['float32', 'float16', 'int8', 'pruned-50-once', 'pruned-50', 'pruned-50-int8', 'structured-50', 'structured-50-int8']);
	const bytes = async (id: string) => Number(await page.locator(`[data-variant="${id}"] [data-testid="onnx-bytes"]`).getAttribute('data-bytes'));
	// A tiny CNN's file is mostly graph, so int8 saves less than 4× here; it must still be smaller.
	expect(await bytes('int8')).toBeLessThan(await bytes('float32'));
	expect(await audit(page, 'ship: image trade-off table')).toEqual([]);

	await page.locator('[data-variant="int8"] [data-testid="pick-variant"]').click();
	await page.getByTestId('export-onnx').click();
	await expect(check).toBeVisible();
	expect(Number(await check.getAttribute('data-agreed'))).toBeGreaterThanOrEqual(0.9 * 359);

	// The project bundle carries the images (format 2): export with rows, import as a new project.
	await page.getByTestId('export-bundle').click();
	await expect(page.getByTestId('bundle-ready')).toContainText('1 dataset with 1,797 rows, 1 run, 1 model');
	const [bundleDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-bundle').click()]);
	const bundlePath = testInfo.outputPath('digits.kiln.zip');
	await bundleDownload.saveAs(bundlePath);
	await page.getByRole('link', { name: 'Projects' }).click();
	await page.getByTestId('bundle-input').setInputFiles(bundlePath);
	await expect(page.getByTestId('bundle-imported')).toContainText('1 dataset with 1,797 rows, 1 run, 1 model');
	await page.getByTestId('open-bundle-project').click();
	await openSection(page, 'data');
	await expect(page.getByTestId('image-summary')).toContainText('1,797 images · 10 classes');

	expect(foreign).toEqual([]);
	expect(errors).toEqual([]);
	await context.close();
});
