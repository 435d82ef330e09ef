import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { readFileSync, statSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { pathToFileURL } from 'node:url';
import { audit } from './axe';
import { ORIGIN, createProject, loadDemo, openSection, trainAndOpenRun, watchForeignRequests } from './browser';

// One trained iris project shipped every way: share link, standalone page, model card, bundle.
test.describe.configure({ mode: 'serial' });

const ROWS = {
	virginica: { sepal_length: '6.7', sepal_width: '3.0', petal_length: '5.2', petal_width: '2.3' },
	setosa: { sepal_length: '5.1', sepal_width: '3.5', petal_length: '1.4', petal_width: '0.2' }
};
type Row = (typeof ROWS)['setosa'];

let context: BrowserContext;
let page: Page;
let foreign: string[];
const errors: string[] = [];
const studio: Record<string, string> = {};
let accuracy = 0;
/** The trained project's page, to come back to after the bundle imports opened others. */
let projectUrl = '';

async function fill(form: ReturnType<Page['getByTestId']>, row: Row) {
	for (const [name, value] of Object.entries(row)) await form.getByLabel(name, { exact: true }).fill(value);
}

/** The studio's own Predict page, for the label the shipped model must agree with. */
async function studioPredict(p: Page, row: Row): Promise<string> {
	await openSection(p, 'runs');
	await openSection(p, 'predict');
	await fill(p.getByTestId('predict-form'), row);
	await p.getByTestId('predict-button').click();
	const result = p.getByTestId('single-prediction');
	await expect(result).toBeVisible();
	return (await result.locator('strong').first().innerText()).trim();
}

async function openShip(p: Page) {
	await p.getByTestId('section-ship').click();
	await expect(p.getByTestId('section-ship')).toHaveAttribute('aria-current', 'page');
}

test.beforeAll(async ({ browser }) => {
	context = await browser.newContext({ acceptDownloads: true });
	await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ORIGIN });
	foreign = watchForeignRequests(context);
	page = await context.newPage();
	page.on('pageerror', (e) => errors.push(e.message));
	await createProject(page, 'Iris ship');
	await loadDemo(page, 'iris', 150);
	await openSection(page, 'train');
	await page.getByTestId('epochs-input').fill('30');
	await trainAndOpenRun(page);
	accuracy = Number(await page.getByTestId('metric-accuracy').textContent());
	studio.virginica = await studioPredict(page, ROWS.virginica);
	studio.setosa = await studioPredict(page, ROWS.setosa);
	expect(studio).toEqual({ virginica: 'virginica', setosa: 'setosa' });
	projectUrl = page.url();
});

test.afterAll(async () => {
	expect(foreign).toEqual([]);
	expect(errors).toEqual([]);
	await context.close();
});

test('a share link opens in a new page, predicts like the studio, and imports as a project', async () => {
	await openShip(page);
	expect(await audit(page, 'ship section')).toEqual([]);
	await expect(page.getByTestId('share-title')).toHaveValue('Iris ship');
	await page.getByTestId('share-description').fill('Three species of iris <b>from four measurements</b>.');
	await page.getByTestId('create-link').click();
	await expect(page.getByTestId('link-fit')).toHaveAttribute('data-fit', 'fits');
	const url = await page.getByTestId('share-url').inputValue();
	expect(url).toMatch(/\/share\/#[A-Za-z0-9_-]+$/);
	console.log(`share link: ${url.length} characters (${url.split('#')[1].length} of code)`);
	await page.getByTestId('copy-link').click();
	await expect(page.getByRole('status').filter({ hasText: 'Copied to the clipboard.' })).toBeVisible();
	expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
	expect(await audit(page, 'ship section with a link')).toEqual([]);

	const shared = await context.newPage();
	shared.on('pageerror', (e) => errors.push(e.message));
	await shared.goto(url);
	await expect(shared.getByTestId('shared-title')).toHaveText('Iris ship');
	// The description is text, never markup.
	await expect(shared.getByTestId('shared-description')).toHaveText('Three species of iris <b>from four measurements</b>.');
	await expect(shared.getByTestId('shared-prediction')).toBeVisible();
	expect(await audit(shared, 'share page')).toEqual([]);
	for (const name of ['virginica', 'setosa'] as const) {
		await fill(shared.getByTestId('shared-form'), ROWS[name]);
		await shared.getByTestId('shared-predict').click();
		await expect(shared.getByTestId('shared-label')).toHaveText(studio[name]);
	}
	await shared.getByTestId('shared-example-1').click();
	await expect(shared.getByTestId('shared-prediction').locator('li')).toHaveCount(3);

	// Into a studio project of its own, whose Predict page uses the link's model.
	await shared.getByTestId('import-shared').click();
	await expect(shared.getByTestId('shared-imported')).toContainText('Iris ship');
	await shared.getByTestId('open-imported').click();
	await expect(shared.getByRole('heading', { level: 1, name: 'Iris ship' })).toBeVisible();
	expect(await studioPredict(shared, ROWS.virginica)).toBe(studio.virginica);
	await openSection(shared, 'runs');
	await shared.getByRole('button', { name: 'Show', exact: true }).first().click();
	await expect(shared.getByTestId('run-source')).toContainText('Imported from the share link “Iris ship”');
	await shared.close();
});

test('a corrupt or hostile link says what is wrong and runs nothing', async () => {
	const shared = await context.newPage();
	const pageErrors: string[] = [];
	shared.on('pageerror', (e) => pageErrors.push(e.message));
	await shared.goto('/share/#S0xOUwE');
	await expect(shared.getByRole('alert')).toContainText('This share link cannot be opened');
	await expect(shared.getByRole('alert')).toContainText(/damaged|cut off/);
	expect(await audit(shared, 'share page with a corrupt link')).toEqual([]);
	await shared.goto('/share/#abc<img src=x onerror=alert(1)>');
	await expect(shared.getByRole('alert')).toContainText('has a character that Kiln links never contain');
	await shared.goto('/share/');
	await expect(shared.getByTestId('shared-empty')).toBeVisible();
	expect(pageErrors).toEqual([]);
	await shared.close();
});

test('the standalone page shows its size, downloads, and predicts from file:// with no request', async ({ browser }, testInfo) => {
	await openShip(page);
	await page.getByTestId('build-page').click();
	const size = page.getByTestId('page-size');
	await expect(size).toBeVisible();
	const bytes = Number(await size.getAttribute('data-bytes'));
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-page').click()]);
	expect(download.suggestedFilename()).toBe('iris-ship.html');
	const file = testInfo.outputPath('iris-ship.html');
	await download.saveAs(file);
	expect(statSync(file).size).toBe(bytes);
	console.log(`standalone page: ${bytes} bytes (shown as ${await size.innerText()})`);

	const offline = await browser.newContext();
	const requests: string[] = [];
	offline.on('request', (r) => requests.push(r.url()));
	const demo = await offline.newPage();
	const problems: string[] = [];
	demo.on('pageerror', (e) => problems.push(e.message));
	demo.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
	const href = pathToFileURL(file).href;
	await demo.goto(href);
	await expect(demo.locator('#kiln-answer')).toBeVisible();
	for (const name of ['virginica', 'setosa'] as const) {
		await fill(demo.locator('form'), ROWS[name]);
		await demo.getByRole('button', { name: 'Predict' }).click();
		await expect(demo.locator('#kiln-answer')).toHaveText(studio[name]);
	}
	expect(requests.filter((r) => r !== href)).toEqual([]);
	expect(problems).toEqual([]);
	await offline.close();
});

test('the model card keeps what the person wrote and downloads with the metrics', async ({}, testInfo) => {
	await openShip(page);
	await page.getByTestId('card-uses').fill('Teaching how a classifier works.');
	await page.getByTestId('card-users').fill('Students');
	await page.getByTestId('card-out-of-scope').fill('Identifying plants in the wild.');
	await page.getByTestId('card-limitations').fill('Only three species, all from one collection.');
	await page.getByTestId('make-card').click();
	const percent = `${(accuracy * 100).toFixed(1)} %`;
	await expect(page.getByTestId('card-preview')).toContainText(percent);
	await expect(page.getByTestId('card-preview')).toContainText('Teaching how a classifier works.');
	expect(await audit(page, 'ship section with a model card')).toEqual([]);
	for (const [testid, ext] of [['download-card-md', 'md'], ['download-card-html', 'html']] as const) {
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
		expect(download.suggestedFilename()).toBe(`iris-ship-model-card.${ext}`);
		const path = testInfo.outputPath(`card.${ext}`);
		await download.saveAs(path);
		const text = readFileSync(path, 'utf8');
		expect(text).toContain(percent);
		expect(text).toContain('Macro F1');
		expect(text).toContain('Identifying plants in the wild.');
	}
	// Stored with the run: a reload brings the fields back.
	await page.reload();
	await expect(page.getByTestId('card-uses')).toHaveValue('Teaching how a classifier works.');
});

test('a project bundle with rows exports, imports twice as new projects, and its model predicts the same', async ({}, testInfo) => {
	await openShip(page);
	await expect(page.getByTestId('bundle-rows')).toBeChecked();
	await page.getByTestId('export-bundle').click();
	await expect(page.getByTestId('bundle-ready')).toContainText('1 dataset with 150 rows, 1 run, 1 model');
	const bytes = Number(await page.getByTestId('bundle-size').getAttribute('data-bytes'));
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-bundle').click()]);
	expect(download.suggestedFilename()).toBe('iris-ship.kiln.zip');
	const file = testInfo.outputPath('iris-ship.kiln.zip');
	await download.saveAs(file);
	expect(statSync(file).size).toBe(bytes);
	console.log(`project bundle with rows: ${bytes} bytes`);

	await page.getByRole('link', { name: 'Projects' }).click();
	const input = page.getByTestId('bundle-input');
	await input.setInputFiles({ name: 'broken.zip', mimeType: 'application/zip', buffer: Buffer.from('PK\u0003\u0004 not really a zip') });
	await expect(page.getByRole('alert')).toContainText('broken.zip');
	await expect(page.getByRole('alert')).toContainText('This file cannot be imported');
	expect(await audit(page, 'projects page with a failed import')).toEqual([]);
	await page.getByRole('button', { name: 'Dismiss' }).click();

	await input.setInputFiles(file);
	await expect(page.getByTestId('bundle-imported')).toContainText('Imported “Iris ship”: 1 dataset with 150 rows, 1 run, 1 model.');
	await input.setInputFiles(file);
	await expect(page.getByTestId('bundle-imported')).toBeVisible();
	expect(await audit(page, 'projects page after an import')).toEqual([]);
	// The original, the share-link import and two bundle imports.
	await expect(page.locator('.projects li').filter({ hasText: 'Iris ship' })).toHaveCount(4);

	await page.getByTestId('open-bundle-project').click();
	await expect(page.getByTestId('dataset-summary')).toContainText('150 rows');
	expect(await studioPredict(page, ROWS.virginica)).toBe(studio.virginica);
	expect(await studioPredict(page, ROWS.setosa)).toBe(studio.setosa);
	await openSection(page, 'runs');
	await page.getByRole('button', { name: 'Show', exact: true }).first().click();
	await expect(page.getByTestId('metric-accuracy')).toHaveText(accuracy.toFixed(3));
});

test('the PyTorch training recipe downloads with train.py and Parquet shards, and weights of its shapes import back as a new run', async ({}, testInfo) => {
	await page.goto(projectUrl);
	await openShip(page);
	await page.getByTestId('export-recipe').click();
	await expect(page.getByTestId('recipe-ready')).toBeVisible();
	const bytes = Number(await page.getByTestId('recipe-size').getAttribute('data-bytes'));
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-recipe').click()]);
	expect(download.suggestedFilename()).toBe('iris-ship-torch-recipe.zip');
	const file = testInfo.outputPath('recipe.zip');
	await download.saveAs(file);
	expect(statSync(file).size).toBe(bytes);
	const files = unzipSync(new Uint8Array(readFileSync(file)));
	const text = (name: string) => new TextDecoder().decode(files[name]);
	expect(text('train.py')).toContain('DistributedDataParallel');
	expect(new TextDecoder().decode(files['data/part-00000.parquet'].subarray(0, 4))).toBe('PAR1');
	const manifest = JSON.parse(text('recipe.json'));
	expect(manifest.rows.train + manifest.rows.validation + manifest.rows.holdout).toBe(150);

	// PyTorch is not part of the e2e run: the files are made here with the shapes train.py writes
	// (untrained weights), which is what the import checks; npm run test:scale covers a real torchrun.
	const sizes = [manifest.preprocessing.inputSize, ...(manifest.config.model === 'mlp' ? manifest.config.hiddenLayers : []), manifest.preprocessing.target.classes.length];
	const layers = sizes.slice(1).map((units: number, i: number) => ({ inputs: sizes[i], units }));
	const count = layers.reduce((n: number, l: { inputs: number; units: number }) => n + (l.inputs + 1) * l.units, 0);
	const weights = Buffer.from(Float32Array.from({ length: count }, (_, i) => Math.sin(i) * 0.3).buffer);
	const info = Buffer.from(JSON.stringify({ format: 'kiln-torch-weights', formatVersion: 2, layers, metrics: { task: 'classification', accuracy: 0.5 }, epochs: 3, worldSize: 2 }));
	const input = page.getByTestId('recipe-weights');
	await input.setInputFiles([{ name: 'kiln-weights.json', mimeType: 'application/json', buffer: info }, { name: 'kiln-weights.bin', mimeType: 'application/octet-stream', buffer: weights.subarray(4) }]);
	await expect(page.getByTestId('recipe-card').getByRole('alert')).toContainText(`kiln-weights.bin has ${weights.length - 4} bytes; the model needs ${weights.length}`);
	expect(await audit(page, 'ship section with a training recipe and a failed weights import')).toEqual([]);
	await page.getByTestId('recipe-card').getByRole('button', { name: 'Dismiss' }).click();
	await input.setInputFiles([{ name: 'kiln-weights.json', mimeType: 'application/json', buffer: info }, { name: 'kiln-weights.bin', mimeType: 'application/octet-stream', buffer: weights }]);
	await expect(page.getByTestId('recipe-imported')).toContainText('Kiln measures accuracy');
	await expect(page.getByTestId('recipe-imported')).toContainText('train.py reported accuracy 0.500');
	await expect(page.getByTestId('ship-run').locator('option')).toHaveCount(2);
	expect(await audit(page, 'ship section after a weights import')).toEqual([]);
	// The new run is a run like the others: Runs shows it, marked, with Kiln's holdout metrics.
	await page.getByTestId('recipe-imported').getByRole('link', { name: 'See it in Runs' }).click();
	await page.getByRole('button', { name: 'Show', exact: true }).first().click();
	await expect(page.getByTestId('run-source')).toContainText('PyTorch recipe');
	await expect(page.getByTestId('metric-accuracy')).toBeVisible();
});
