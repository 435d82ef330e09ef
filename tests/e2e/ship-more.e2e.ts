import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { audit } from './axe';
import { createProject, loadDemo, openSection, trainAndOpenRun, waitForCompression, watchForeignRequests } from './browser';

// Ship beyond the MLP: a classic (gradient boosting) run exported to ONNX and checked in ONNX
// Runtime Web, a file predicted through that ONNX graph, the float16 ONNX row of the trade-off
// table, and a share link that carries the variant picked there.
test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;
let foreign: string[];
const errors: string[] = [];

const SETOSA = { sepal_length: '5.1', sepal_width: '3.5', petal_length: '1.4', petal_width: '0.2' };


/** Pick the Ship section's run whose label starts with `prefix`. */
async function shipRun(p: Page, prefix: string): Promise<void> {
	await p.getByTestId('section-ship').click();
	await expect(p.getByTestId('section-ship')).toHaveAttribute('aria-current', 'page');
	const select = p.getByTestId('ship-run');
	const value = await select.evaluate((el, pre) => [...(el as HTMLSelectElement).options].find((o) => o.text.replace('★ ', '').startsWith(pre))?.value ?? '', prefix);
	expect(value).not.toBe('');
	await select.selectOption(value);
}

test.beforeAll(async ({ browser }) => {
	context = await browser.newContext({ acceptDownloads: true });
	foreign = watchForeignRequests(context);
	page = await context.newPage();
	page.on('pageerror', (e) => errors.push(e.message));
	await createProject(page, 'Iris more');
	await loadDemo(page, 'iris', 150);
});

test.afterAll(async () => {
	expect(foreign).toEqual([]);
	expect(errors).toEqual([]);
	await context.close();
});

test('a gradient-boosting run exports to ONNX (TreeEnsemble) checked in ONNX Runtime Web, shares as a link that predicts, and predicts a file through ONNX', async ({}, testInfo) => {
	await openSection(page, 'train');
	await page.getByTestId('model-select').selectOption('boosting');
	await trainAndOpenRun(page);
	await shipRun(page, 'gradient boosting');
	await expect(page.getByTestId('ship-classic-note')).toContainText('exports to ONNX');
	await expect(page.getByTestId('share-carries')).toContainText('every split and leaf');
	await expect(page.getByTestId('export-card')).toBeVisible();
	await expect(page.getByTestId('export-tfjs')).toHaveCount(0);
	await expect(page.getByTestId('tradeoff-card')).toHaveCount(0);
	expect(await audit(page, 'classic export card')).toEqual([]);

	await page.getByTestId('export-onnx').click();
	const check = page.getByTestId('onnx-check');
	await expect(check).toBeVisible();
	await expect(check).toHaveAttribute('data-passed', 'true');
	expect(Number(await check.getAttribute('data-rows'))).toBe(30);
	expect(Number(await check.getAttribute('data-agreed'))).toBe(30);
	const diff = Number(await check.getAttribute('data-max-diff'));
	expect(diff).toBeLessThanOrEqual(1e-4);
	expect(await audit(page, 'classic onnx checked')).toEqual([]);
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-onnx').click()]);
	expect(download.suggestedFilename()).toMatch(/\.onnx$/);
	const path = testInfo.outputPath('boosting.onnx');
	await download.saveAs(path);
	// The file runs in onnxruntime-node as well: raw values (float64) in, a species out.
	const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(path)));
	const out = await session.run({ numeric: new ort.Tensor('float64', Float64Array.from([5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3]), [2, 4]) }, ['label']);
	expect(Array.from(out.label.data as string[])).toEqual(['setosa', 'virginica']);
	await session.release();
	console.log(`boosting ONNX: ${readFileSync(path).length} bytes; ONNX Runtime Web vs Kiln on 30 holdout rows, max |Δp| ${diff}`);

	// The same tree run as a share link: its trees travel in the link and predict on the demo page.
	await page.getByTestId('share-title').fill('Iris trees');
	await page.getByTestId('create-link').click();
	await expect(page.getByTestId('link-fit')).toHaveAttribute('data-fit', 'fits');
	const url = await page.getByTestId('share-url').inputValue();
	const shared = await context.newPage();
	shared.on('pageerror', (e) => errors.push(e.message));
	await shared.goto(url);
	await expect(shared.getByTestId('shared-title')).toHaveText('Iris trees');
	for (const [name, value] of Object.entries(SETOSA)) await shared.getByTestId('shared-form').getByLabel(name, { exact: true }).fill(value);
	await shared.getByTestId('shared-predict').click();
	await expect(shared.getByTestId('shared-label')).toHaveText('setosa');
	expect(await audit(shared, 'share page for a tree model')).toEqual([]);
	// Imported, the trees become a boosting run of a new project that Kiln's own tree code predicts with.
	await shared.getByTestId('import-shared').click();
	await expect(shared.getByTestId('shared-imported')).toContainText('Iris trees');
	expect(await audit(shared, 'tree link imported')).toEqual([]);
	await shared.getByTestId('open-imported').click();
	await expect(shared.getByRole('heading', { level: 1, name: 'Iris trees' })).toBeVisible();
	await openSection(shared, 'predict');
	await expect(shared.getByTestId('model-in-use')).toContainText('gradient boosting');
	for (const [name, value] of Object.entries(SETOSA)) await shared.getByTestId('predict-form').getByLabel(name, { exact: true }).fill(value);
	await shared.getByTestId('predict-button').click();
	await expect(shared.getByTestId('single-prediction').locator('strong').first()).toHaveText('setosa');
	expect(await audit(shared, 'imported tree model predicting')).toEqual([]);
	await shared.close();

	await openSection(page, 'predict');
	await expect(page.getByTestId('model-in-use')).toContainText('gradient boosting');
	await page.getByTestId('predict-file-runtime').selectOption('onnx:float32');
	await page.getByTestId('predict-input').setInputFiles({
		name: 'new-flowers.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from('sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n')
	});
	await expect(page.getByTestId('batch-runtime')).toContainText('ONNX Runtime Web');
	await expect(page.getByTestId('batch-table').locator('tbody tr').first()).toContainText('setosa');
	await expect(page.getByTestId('batch-table').locator('tbody tr').nth(1)).toContainText('virginica');
	// The ONNX path's file is checked for drift as the tfjs path's is.
	await expect(page.getByTestId('drift-shown')).toContainText('new-flowers.csv, ');
	await expect(page.getByTestId('drift-report')).toContainText('Only 2 new rows');
	expect(await audit(page, 'file predicted through ONNX')).toEqual([]);
});

test('an MLP’s trade-off table has a float16 ONNX row and a quantisation-aware int8 row; a picked pruned + int8 variant is what the share link carries', async () => {
	await openSection(page, 'train');
	await page.getByTestId('model-select').selectOption('mlp');
	await page.getByTestId('epochs-input').fill('30');
	await trainAndOpenRun(page);
	await shipRun(page, 'MLP');
	await page.getByTestId('sparsity-80').uncheck();
	await page.getByTestId('prune-epochs').fill('2');
	await page.getByTestId('qat-variant').check();
	await page.getByTestId('compress-button').click();
	await waitForCompression(page);
	const row = (id: string) => page.locator(`[data-testid="tradeoff-row"][data-variant="${id}"]`);
	const f16 = Number(await row('float16').getByTestId('onnx-bytes').getAttribute('data-bytes'));
	const f32 = Number(await row('float32').getByTestId('onnx-bytes').getAttribute('data-bytes'));
	expect(f16).toBeGreaterThan(0);
	expect(f16).toBeLessThan(f32);
	// The quantisation-aware int8 row is measured like the others and can be picked for export and sharing.
	const qat = Number(await row('int8-qat').getByTestId('onnx-bytes').getAttribute('data-bytes'));
	expect(qat).toBeGreaterThan(0);
	expect(qat).toBeLessThan(f32);
	await row('int8-qat').getByTestId('pick-variant').click();
	await expect(page.getByTestId('share-carries')).toHaveAttribute('data-variant', 'int8-qat');
	console.log((await page.getByTestId('tradeoff-table').innerText()).replace(/\t/g, ' | '));
	expect(await audit(page, 'trade-off table with float16 ONNX')).toEqual([]);

	// The float16 variant exports to ONNX and passes the check against its tfjs twin.
	await row('float16').getByTestId('pick-variant').click();
	await page.getByTestId('export-onnx').click();
	await expect(page.getByTestId('onnx-check')).toHaveAttribute('data-passed', 'true');

	await row('pruned-50-int8').getByTestId('pick-variant').click();
	await expect(page.getByTestId('share-carries')).toHaveAttribute('data-variant', 'pruned-50-int8');
	await page.getByTestId('create-link').click();
	const url = await page.getByTestId('share-url').inputValue();
	await expect(page.getByTestId('link-fit')).toContainText('pruned + int8');
	expect(await audit(page, 'share card carrying a variant')).toEqual([]);
	console.log(`share link of the pruned + int8 variant: ${url.split('#')[1].length} characters of code`);

	const shared = await context.newPage();
	shared.on('pageerror', (e) => errors.push(e.message));
	await shared.goto(url);
	await expect(shared.getByTestId('shared-prediction')).toBeVisible();
	for (const [name, value] of Object.entries(SETOSA)) await shared.getByTestId('shared-form').getByLabel(name, { exact: true }).fill(value);
	await shared.getByTestId('shared-predict').click();
	await expect(shared.getByTestId('shared-label')).toHaveText('setosa');
	expect(await audit(shared, 'share page of a variant')).toEqual([]);
	await shared.close();
});
