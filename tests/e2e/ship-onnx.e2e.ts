import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { readFileSync, statSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { audit } from './axe';
import { createProject, loadDemo, openSection, trainAndOpenRun, waitForCompression, watchForeignRequests } from './browser';

// A tiny iris model exported to ONNX (checked in ONNX Runtime Web in the page's worker), then
// its compression variants measured as a job and one of them exported.
test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;
let foreign: string[];
const errors: string[] = [];


async function exportAndCheck(p: Page, name: string, testInfo: { outputPath(name: string): string }, minAgreement = 1): Promise<Uint8Array> {
	await p.getByTestId('export-onnx').click();
	const check = p.getByTestId('onnx-check');
	await expect(check).toBeVisible();
	const rows = Number(await check.getAttribute('data-rows'));
	expect(rows).toBe(30);
	const agreed = Number(await check.getAttribute('data-agreed'));
	expect(agreed).toBeGreaterThanOrEqual(Math.ceil(minAgreement * rows));
	const diff = Number(await check.getAttribute('data-max-diff'));
	const [download] = await Promise.all([p.waitForEvent('download'), p.getByTestId('download-onnx').click()]);
	expect(download.suggestedFilename()).toBe(name);
	const path = testInfo.outputPath(name);
	await download.saveAs(path);
	expect(statSync(path).size).toBe(Number(await p.getByTestId('onnx-size').getAttribute('data-bytes')));
	console.log(`${name}: ${statSync(path).size} bytes; ONNX Runtime Web vs tfjs on ${rows} holdout rows: same label ${agreed}/${rows}, max |Δp| ${diff}`);
	return new Uint8Array(readFileSync(path));
}

/** The downloaded file runs outside the browser too: raw iris values in, a species out. */
async function labelInNode(model: Uint8Array, values: number[]): Promise<string> {
	const session = await ort.InferenceSession.create(model);
	const result = await session.run({ numeric: new ort.Tensor('float32', Float32Array.from(values), [1, 4]) }, ['label']);
	await session.release();
	return String((result.label.data as string[])[0]);
}

test.beforeAll(async ({ browser }) => {
	context = await browser.newContext({ acceptDownloads: true });
	foreign = watchForeignRequests(context);
	page = await context.newPage();
	page.on('pageerror', (e) => errors.push(e.message));
	await createProject(page, 'Iris export');
	await loadDemo(page, 'iris', 150);
	await openSection(page, 'train');
	await page.getByTestId('epochs-input').fill('30');
	await trainAndOpenRun(page);
	await page.getByTestId('section-ship').click();
	await expect(page.getByTestId('section-ship')).toHaveAttribute('aria-current', 'page');
});

test.afterAll(async () => {
	expect(foreign).toEqual([]);
	expect(errors).toEqual([]);
	await context.close();
});

test('Export ONNX checks the file in ONNX Runtime Web, then downloads it; tfjs files download too', async ({}, testInfo) => {
	expect(await audit(page, 'ship export card')).toEqual([]);
	const onnx = await exportAndCheck(page, 'iris-export.onnx', testInfo);
	await expect(page.getByTestId('onnx-check')).toHaveAttribute('data-passed', 'true');
	expect(await audit(page, 'onnx export checked')).toEqual([]);
	expect(await labelInNode(onnx, [5.1, 3.5, 1.4, 0.2])).toBe('setosa');
	expect(await labelInNode(onnx, [6.7, 3.0, 5.2, 2.3])).toBe('virginica');

	await page.getByTestId('export-tfjs').click();
	await expect(page.getByTestId('tfjs-ready')).toBeVisible();
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-tfjs').click()]);
	expect(download.suggestedFilename()).toBe('iris-export-tfjs.zip');
	const path = testInfo.outputPath('tfjs.zip');
	await download.saveAs(path);
	expect(readFileSync(path).subarray(0, 2).toString()).toBe('PK');
	console.log(`tfjs zip: ${statSync(path).size} bytes`);
});

test('the trade-off table measures the variants as a job; a picked int8 variant exports and checks', async ({}, testInfo) => {
	await page.getByTestId('prune-epochs').fill('2');
	await page.getByTestId('compress-button').click();
	await expect(page.getByTestId('compress-job')).toBeVisible();
	expect(await audit(page, 'compression running')).toEqual([]);
	await waitForCompression(page);
	const rows = page.getByTestId('tradeoff-row');
	// count() does not wait for the table: its third row first.
	await expect(rows.nth(2)).toBeVisible();
	const variants = await rows.count();
	await expect(page.getByTestId('tradeoff-plot')).toBeVisible();
	console.log((await page.getByTestId('tradeoff-table').innerText()).replace(/\t/g, ' | '));
	expect(await audit(page, 'trade-off table')).toEqual([]);

	const int8 = page.locator('[data-testid="tradeoff-row"][data-variant="int8"]');
	const f32 = page.locator('[data-testid="tradeoff-row"][data-variant="float32"]');
	expect(Number(await int8.getByTestId('onnx-bytes').getAttribute('data-bytes'))).toBeLessThan(Number(await f32.getByTestId('onnx-bytes').getAttribute('data-bytes')));
	await int8.getByTestId('pick-variant').click();
	await expect(page.getByTestId('export-variant')).toHaveValue('int8');
	const model = await exportAndCheck(page, 'iris-export-int8.onnx', testInfo, 0.9);
	expect(await labelInNode(model, [5.1, 3.5, 1.4, 0.2])).toBe('setosa');
	expect(await audit(page, 'int8 variant exported')).toEqual([]);

	// The table is stored with the run: it is there again after a reload.
	await page.reload();
	await expect(rows).toHaveCount(variants);
});

test('Predict runs a form row through the ONNX export or a variant in ONNX Runtime Web', async () => {
	await openSection(page, 'predict');
	const form = page.getByTestId('predict-form');
	for (const [name, value] of Object.entries({ sepal_length: '5.1', sepal_width: '3.5', petal_length: '1.4', petal_width: '0.2' })) await form.getByLabel(name, { exact: true }).fill(value);
	// By default the runtime is picked from the compression table's batch-1 latencies (no new timing of tfjs and ONNX).
	await expect(page.getByTestId('predict-runtime')).toHaveValue('auto');
	await page.getByTestId('predict-button').click();
	await expect(page.getByTestId('single-prediction').locator('strong').first()).toHaveText('setosa');
	await expect(page.getByTestId('runtime-pick')).toContainText("from the compression table's batch-1 latencies");
	await expect(page.getByTestId('runtime-pick')).toContainText(/ONNX Runtime Web \d|ONNX Runtime Web: \d/);
	for (const runtime of ['onnx:float32', 'onnx:int8']) {
		await page.getByTestId('predict-runtime').selectOption(runtime);
		await page.getByTestId('predict-button').click();
		await expect(page.getByTestId('prediction-runtime')).toContainText(runtime === 'onnx:int8' ? 'int8' : 'ONNX export');
		await expect(page.getByTestId('single-prediction').locator('strong').first()).toHaveText('setosa');
	}
	expect(await audit(page, 'predict with ONNX Runtime Web')).toEqual([]);
});
