// Issue 10's scale bar in the studio itself: the full 60,000-image Fashion-MNIST training set (the
// Debian package dataset-fashion-mnist's IDX files, train + t10k) imported and trained in one tab,
// memory flat across epochs, and still there after a reload (70,000 images stored: t10k is its test split). Reports the renderer's RSS (page and
// its workers; bench/renderer-memory.mjs) before, after the import and at each epoch's end, the
// main-thread long tasks during import and training, and the seconds each step took.
//   node bench/vision-scale.mjs [epochs=2]        (VISION_SKIP_BUILD=1 reuses build/)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { CHROMIUM_PATH, chromiumArgs } from './browser-side.mjs';
import { observeLongTasks, serveSite } from './longtasks.mjs';
import { rendererRssMb } from './renderer-memory.mjs';

const repo = join(import.meta.dirname, '..');
const epochs = Number(process.argv[2] ?? 2);
const dir = '/usr/share/datasets/fashion-mnist';
const files = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].map((f) => join(dir, f));
const log = (m) => process.stderr.write(`[vision-scale] ${m}\n`);
if (!files.every(existsSync)) {
	console.error(`Fashion-MNIST IDX files are missing in ${dir}: apt-get install dataset-fashion-mnist`);
	process.exit(1);
}
const NO_PROGRESS_MS = 180_000;

const site = await serveSite({ repo, build: process.env.VISION_SKIP_BUILD !== '1', log });
const { chromium } = await import('@playwright/test');
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs(repo, log), headless: true });
const result = { epochs, load: [loadavg()[0]] };
try {
	const context = await browser.newContext({ baseURL: site.origin });
	await context.addInitScript(observeLongTasks);
	const page = await context.newPage();
	await page.goto('/');
	await page.getByLabel('Project name').fill('Vision scale');
	await page.getByRole('button', { name: 'Create project' }).click();
	await page.getByRole('heading', { level: 1, name: 'Vision scale' }).waitFor();
	await page.waitForTimeout(1000);
	let peak = 0;
	const sampler = setInterval(() => (peak = Math.max(peak, rendererRssMb(process.pid))), 200);
	const longTasks = async (from) => (await page.evaluate(() => window.__kilnLongTasks.longtask)).filter((t) => t.start >= from).map((t) => Math.round(t.duration));
	result.baselineMb = Math.round(rendererRssMb(process.pid));

	const importStart = await page.evaluate(() => performance.now());
	let wall = Date.now();
	await page.getByTestId('image-zip-input').setInputFiles(files);
	const summary = page.getByTestId('image-summary').filter({ hasText: '70,000 images' });
	await summary.waitFor({ timeout: NO_PROGRESS_MS });
	result.importSeconds = (Date.now() - wall) / 1000;
	result.summary = await summary.innerText();
	result.afterImportMb = Math.round(rendererRssMb(process.pid));
	result.importPeakMb = Math.round(peak);
	result.importLongTasks = await longTasks(importStart);
	log(`imported in ${result.importSeconds.toFixed(1)} s: ${result.summary}; renderer ${result.baselineMb} → ${result.afterImportMb} MB (peak ${result.importPeakMb})`);

	await page.getByTestId('section-train').click();
	await page.getByTestId('preset-select').selectOption('small');
	await page.getByTestId('image-epochs').fill(String(epochs));
	await page.getByTestId('max-images').fill('0');
	await page.waitForTimeout(1000);
	const trainStart = await page.evaluate(() => performance.now());
	wall = Date.now();
	peak = 0;
	await page.getByTestId('image-train-button').click();
	const job = page.getByTestId('train-job').first();
	await job.waitFor();
	// Per-epoch peaks: the job's text names the epoch it is in.
	const perEpoch = new Map();
	let last = '';
	let since = Date.now();
	for (;;) {
		const state = await job.evaluate((el) => `${el.getAttribute('data-status')}|${el.querySelector('progress')?.getAttribute('value') ?? ''}|${el.innerText.match(/[Ee]poch (\d+)/)?.[1] ?? ''}`);
		const [status, , epoch] = state.split('|');
		if (epoch) perEpoch.set(epoch, Math.max(perEpoch.get(epoch) ?? 0, rendererRssMb(process.pid)));
		if (status !== 'queued' && status !== 'running') {
			result.trainStatus = status;
			result.jobText = (await job.innerText()).split('\n').slice(0, 4).join(' · ');
			break;
		}
		if (state !== last) (last = state, (since = Date.now()));
		else if (Date.now() - since > NO_PROGRESS_MS) throw new Error(`training made no progress for ${NO_PROGRESS_MS / 1000} s (${state})`);
		await page.waitForTimeout(500);
	}
	result.trainSeconds = (Date.now() - wall) / 1000;
	result.trainPeakMb = Math.round(peak);
	result.perEpochPeakMb = Object.fromEntries([...perEpoch].map(([e, mb]) => [e, Math.round(mb)]));
	result.trainLongTasks = await longTasks(trainStart);
	clearInterval(sampler);
	log(`trained (${result.trainStatus}) in ${result.trainSeconds.toFixed(0)} s; per-epoch renderer peak ${JSON.stringify(result.perEpochPeakMb)} MB`);

	await page.reload();
	await page.getByTestId('section-data').click();
	await page.getByTestId('image-summary').filter({ hasText: '70,000 images' }).waitFor({ timeout: NO_PROGRESS_MS });
	result.afterReload = await page.getByTestId('image-summary').innerText();
	await page.getByTestId('section-runs').click();
	result.runs = (await page.getByTestId('run-list').innerText()).split('\n').slice(0, 3).join(' · ');
	await context.close();
} finally {
	await browser.close();
	await site.close();
}
result.load.push(loadavg()[0]);
console.log(JSON.stringify(result, null, 1));
