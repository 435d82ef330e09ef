// Single-image edits at scale, in the studio: the full Fashion-MNIST (70,000 images, the Debian
// package dataset-fashion-mnist's IDX files) imported, then in the class grid: page flips, removing
// the first image of a class (the worst case: every chunk after it is rewritten), Undo of that (the
// image put back: the same rewrite) and moving one image (its chunk only). Reports each step's
// seconds (clicked → counts shown), the main-thread long tasks and the machine's load.
//   node bench/vision-edit.mjs        (VISION_SKIP_BUILD=1 reuses build/)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { CHROMIUM_PATH, chromiumArgs } from './browser-side.mjs';
import { observeLongTasks, serveSite } from './longtasks.mjs';

const repo = join(import.meta.dirname, '..');
const dir = '/usr/share/datasets/fashion-mnist';
const files = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].map((f) => join(dir, f));
const log = (m) => process.stderr.write(`[vision-edit] ${m}\n`);
if (!files.every(existsSync)) {
	console.error(`Fashion-MNIST IDX files are missing in ${dir}: apt-get install dataset-fashion-mnist`);
	process.exit(1);
}
const WAIT = { timeout: 180_000 };

const site = await serveSite({ repo, build: process.env.VISION_SKIP_BUILD !== '1', log });
const { chromium } = await import('@playwright/test');
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs(repo, log), headless: true });
const result = { load: [loadavg()[0]] };
try {
	const context = await browser.newContext({ baseURL: site.origin });
	await context.addInitScript(observeLongTasks);
	const page = await context.newPage();
	await page.goto('/');
	await page.getByLabel('Project name').fill('Vision edit');
	await page.getByRole('button', { name: 'Create project' }).click();
	await page.getByRole('heading', { level: 1, name: 'Vision edit' }).waitFor();
	await page.getByTestId('image-zip-input').setInputFiles(files);
	await page.getByTestId('image-summary').filter({ hasText: '70,000 images' }).waitFor(WAIT);
	const range = page.getByTestId('browse-range');
	const timed = async (name, act, done) => {
		const wall = Date.now();
		await act();
		await done();
		result[name] = (Date.now() - wall) / 1000;
		log(`${name}: ${result[name].toFixed(2)} s`);
	};
	await timed('firstPageSeconds', async () => {}, () => range.filter({ hasText: 'Images 1–40 of 7,000' }).waitFor(WAIT));
	await timed('nextPageSeconds', () => page.getByTestId('browse-next').click(), () => range.filter({ hasText: 'Images 41–80 of 7,000' }).waitFor(WAIT));
	await page.getByTestId('browse-previous').click();
	await range.filter({ hasText: 'Images 1–40' }).waitFor(WAIT);
	const start = await page.evaluate(() => performance.now());
	await page.locator('[data-testid="image-thumbs"][data-version="1"]').waitFor(WAIT);
	await page.getByTestId('image-thumb-0').click();
	await timed('removeFirstImageSeconds', () => page.getByTestId('remove-images').click(), () => page.getByTestId('image-summary').filter({ hasText: '69,999 images' }).waitFor(WAIT));
	await timed('undoRemoveSeconds', () => page.getByTestId('undo-image-edit').click(), () => page.getByTestId('image-summary').filter({ hasText: '70,000 images' }).waitFor(WAIT));
	// The grid shows the restored version (3) before an image of it is picked.
	await page.locator('[data-testid="image-thumbs"][data-version="3"]').waitFor(WAIT);
	await page.getByTestId('image-thumb-5').click();
	await timed('moveOneImageSeconds', () => page.getByTestId('move-images').click(), () => page.getByTestId('image-edit-status').filter({ hasText: 'moved to' }).waitFor(WAIT));
	result.longTasks = (await page.evaluate(() => window.__kilnLongTasks.longtask)).filter((t) => t.start >= start).map((t) => Math.round(t.duration));
	result.summary = await page.getByTestId('image-summary').innerText();
	await context.close();
} finally {
	await browser.close();
	await site.close();
}
result.load.push(loadavg()[0]);
console.log(JSON.stringify(result, null, 1));
