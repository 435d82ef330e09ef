import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { createProject, launchPersistent, loadDemo, newProfileDir, openSection, predictIrisRow, waitForJob, watchForeignRequests } from './browser';

// The whole first journey: demo data in, MLP trained in a worker, everything still there after
// the browser is closed and reopened, then predictions from the stored model.
test('train on iris, reopen the browser, and predict', async () => {
	const profile = newProfileDir();
	let context = await launchPersistent(profile);
	const foreign = watchForeignRequests(context);
	let page = await context.newPage();
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));

	await createProject(page, 'Iris study');
	await loadDemo(page, 'iris', 150);
	await expect(page.getByTestId('data-table').getByRole('row').nth(1)).toContainText('setosa');
	await expect(page.getByTestId('target-select')).toHaveValue('species');
	await expect(page.getByTestId('task-select')).toHaveValue('classification');

	await openSection(page, 'train');
	await page.getByTestId('train-button').click();
	await waitForJob(page);
	// Alone on wasm in a cross-origin isolated page, the network's products may take a second thread.
	const backend = await page.getByTestId('active-backend').locator('strong').textContent();
	expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
	if (backend === 'wasm') await expect(page.getByRole('list', { name: 'Training log' })).toContainText('second thread');
	await page.getByTestId('open-run').first().click();
	await expect(page.getByTestId('run-report')).toBeVisible();
	// The same bar as the unit tests' per-seed floor (their mean over ten seeds is ≥ 0.90).
	const accuracy = Number(await page.getByTestId('metric-accuracy').textContent());
	expect(accuracy).toBeGreaterThanOrEqual(0.8);
	await expect(page.getByTestId('confusion-matrix').locator('tbody tr')).toHaveCount(3);
	await expect(page.getByTestId('per-class').locator('tbody tr')).toHaveCount(3);
	await expect(page.getByTestId('run-report')).toContainText(/\d+ rows trained on, \d+ for validation curves and early stopping, 30 held out/);
	const runs = page.getByTestId('run-list').locator('tbody tr');
	await expect(runs).toHaveCount(1);
	// The first finished run becomes the model in use.
	await expect(runs.first().getByTestId('star-button')).toHaveAttribute('aria-pressed', 'true');
	const url = page.url();
	await context.close();

	// Reopen the same profile: the project, data, run and model come back from IndexedDB.
	context = await launchPersistent(profile);
	foreign.push(...watchForeignRequests(context));
	page = await context.newPage();
	page.on('pageerror', (e) => errors.push(e.message));
	// The project list says what each project holds.
	await page.goto('/');
	await expect(page.getByTestId('project-summary')).toContainText(/150 rows · 1 run · in use: MLP 32-16, accuracy 0\.\d{3}/);
	await page.goto(url);
	await expect(page.getByTestId('run-list').locator('tbody tr')).toHaveCount(1);
	await expect(page.getByTestId('run-list')).toContainText('done');
	await expect(page.getByTestId('metric-accuracy')).toHaveText(accuracy.toFixed(3));
	await openSection(page, 'data');
	await expect(page.getByTestId('dataset-summary')).toContainText('150 rows');

	// One row typed into the form.
	await openSection(page, 'predict');
	await expect(page.getByTestId('model-in-use')).toContainText('MLP 32-16');
	const form = await predictIrisRow(page);
	await expect(page.getByTestId('single-prediction')).toContainText('virginica');
	// The first prediction timed each runtime on that row and predicts with the fastest from now on.
	await expect(page.getByTestId('runtime-pick')).toContainText('median of 30 runs each');
	// Hex is not a number here, as in files.
	await form.getByLabel('sepal_width').fill('0x1A');
	await page.getByTestId('predict-button').click();
	await expect(page.getByRole('alert')).toContainText('“sepal_width” must be a number');

	// A file of new rows, columns in another order, an id column to join on, one value missing.
	await page.getByTestId('predict-input').setInputFiles({
		name: 'new-flowers.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from('id,petal_width,petal_length,sepal_width,sepal_length\nA7,0.2,1.4,3.5,5.1\nB2,2.3,5.2,3.0,6.7\nC9,1.3,,2.8,5.7\n')
	});
	await expect(page.getByTestId('batch-summary')).toContainText('3 predictions for new-flowers.csv');
	const table = page.getByTestId('batch-table');
	await expect(table.locator('thead')).toContainText('id');
	await expect(table.locator('tbody tr').first()).toContainText('A7');
	await expect(table.locator('tbody tr').first()).toContainText('setosa');
	// Each file is compared with the model's training rows; three rows are too few to read much into.
	await expect(page.getByTestId('drift-report')).toContainText('Only 3 new rows');

	// A batch whose petals are far longer than any in training: that column, and the predictions, moved.
	const rows = Array.from({ length: 60 }, (_, i) => `${(5 + (i % 10) * 0.2).toFixed(1)},${(2.8 + (i % 5) * 0.1).toFixed(1)},${(8 + (i % 7) * 0.3).toFixed(1)},${(0.2 + (i % 12) * 0.2).toFixed(1)}`);
	await page.getByTestId('predict-input').setInputFiles({ name: 'long-petals.csv', mimeType: 'text/csv', buffer: Buffer.from(`sepal_length,sepal_width,petal_length,petal_width\n${rows.join('\n')}\n`) });
	await expect(page.getByTestId('batch-summary')).toContainText('60 predictions for long-petals.csv');
	await expect(page.getByTestId('drift-headline')).toContainText(/shifted a lot \(petal_length/);
	await expect(page.getByTestId('drift-bars')).toContainText('petal_length');
	await expect(page.getByTestId('drift-column')).toHaveValue('petal_length');
	// Every new petal is longer than the longest training decile: all of them in the top bin.
	await expect(page.getByTestId('drift-bins').locator('li').last()).toContainText('100 % of new rows');
	await expect(page.getByTestId('drift-history').locator('li')).toHaveCount(2);
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-drift').click()]);
	expect(download.suggestedFilename()).toBe('long-petals-drift.csv');
	const csv = readFileSync(await download.path(), 'utf8').split('\n');
	expect(csv[0]).toBe('column,kind,psi,level,ks_statistic,ks_p_value,missing_training,missing_new,training,new_rows');
	expect(csv[1]).toMatch(/^petal_length,numeric,\d+\.\d{4},major,1\.0000,/);
	// The checks are kept with the model: after a reload both are there, the newest shown.
	await page.reload();
	await expect(page.getByTestId('drift-history').locator('li')).toHaveCount(2);
	await expect(page.getByTestId('drift-shown')).toContainText('long-petals.csv');
	await page.getByTestId('drift-history').getByRole('button', { name: 'new-flowers.csv' }).click();
	await expect(page.getByTestId('drift-shown')).toContainText('new-flowers.csv');
	// The Runs page says how the model in use's latest check went.
	await openSection(page, 'runs');
	await expect(page.getByTestId('runs-drift')).toContainText(/long-petals\.csv.*shifted a lot \(petal_length/);
	// The model card reports them.
	await page.getByTestId('section-ship').click();
	await page.getByTestId('make-card').click();
	await expect(page.getByTestId('card-preview')).toContainText('**Drift checks:** 2, from');
	await expect(page.getByTestId('card-preview')).toContainText('new rows against');

	expect(foreign).toEqual([]);
	expect(errors).toEqual([]);
	await context.close();
});

test('regression on penguins body mass reports RMSE, MAE and R²', async ({ page }) => {
	await createProject(page, 'Penguin mass');
	await loadDemo(page, 'penguins', 344);
	await page.getByTestId('target-select').selectOption('body_mass_g');
	await expect(page.getByTestId('task-select')).toHaveValue('regression');
	await openSection(page, 'train');
	await page.getByTestId('train-button').click();
	await waitForJob(page);
	await expect(page.getByText('2 rows have no value in "body_mass_g" and were left out.')).toBeVisible();
	await page.getByTestId('open-run').first().click();
	await expect(page.getByTestId('run-report')).toBeVisible();
	// The unit test's bar for this model and data.
	expect(Number(await page.getByTestId('metric-r2').textContent())).toBeGreaterThan(0.7);
	const rmse = Number(await page.getByTestId('metric-rmse').textContent());
	const mae = Number(await page.getByTestId('metric-mae').textContent());
	expect(mae).toBeLessThanOrEqual(rmse);
	expect(rmse).toBeLessThan(500);
});
