import { expect, test } from '@playwright/test';
import { createProject, launchPersistent, loadDemo, newProfileDir, watchForeignRequests } from './browser';

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
	await expect(page.getByTestId('data-table').locator('tbody tr')).toHaveCount(8);
	await expect(page.getByTestId('target-select')).toHaveValue('species');
	await expect(page.getByTestId('task-select')).toHaveValue('classification');

	await page.getByTestId('train-button').click();
	await expect(page.getByRole('progressbar')).toBeVisible();
	await expect(page.getByTestId('run-report')).toBeVisible({ timeout: 120_000 });
	const accuracy = Number(await page.getByTestId('metric-accuracy').textContent());
	expect(accuracy).toBeGreaterThanOrEqual(0.8);
	await expect(page.getByTestId('confusion-matrix').locator('tbody tr')).toHaveCount(3);
	await expect(page.getByTestId('per-class').locator('tbody tr')).toHaveCount(3);
	await expect(page.getByTestId('active-backend')).toContainText(/wasm|webgl|webgpu|cpu/);
	await expect(page.getByTestId('run-list').locator('tbody tr')).toHaveCount(1);
	const url = page.url();
	await context.close();

	// Reopen the same profile: the project, data, run and model come back from IndexedDB.
	context = await launchPersistent(profile);
	foreign.push(...watchForeignRequests(context));
	page = await context.newPage();
	page.on('pageerror', (e) => errors.push(e.message));
	await page.goto('/');
	await page.getByRole('link', { name: 'Iris study' }).click();
	await expect(page).toHaveURL(url);
	await expect(page.getByTestId('dataset-summary')).toContainText('150 rows');
	await expect(page.getByTestId('run-list').locator('tbody tr')).toHaveCount(1);
	await expect(page.getByTestId('run-list')).toContainText('done');
	await expect(page.getByTestId('metric-accuracy')).toHaveText(accuracy.toFixed(3));

	// One row typed into the form.
	const form = page.getByTestId('predict-form');
	await form.getByLabel('sepal_length').fill('6.7');
	await form.getByLabel('sepal_width').fill('3.0');
	await form.getByLabel('petal_length').fill('5.2');
	await form.getByLabel('petal_width').fill('2.3');
	await page.getByTestId('predict-button').click();
	await expect(page.getByTestId('single-prediction')).toContainText('virginica');

	// A file of new rows, columns in another order, one value missing.
	await page.getByTestId('predict-input').setInputFiles({
		name: 'new-flowers.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from('petal_width,petal_length,sepal_width,sepal_length\n0.2,1.4,3.5,5.1\n2.3,5.2,3.0,6.7\n1.3,,2.8,5.7\n')
	});
	await expect(page.getByTestId('batch-summary')).toContainText('3 predictions for new-flowers.csv');
	await expect(page.getByTestId('batch-table').locator('tbody tr').first()).toContainText('setosa');

	expect(foreign).toEqual([]);
	expect(errors).toEqual([]);
	await context.close();
});

test('regression on penguins body mass reports RMSE, MAE and R²', async ({ page }) => {
	await createProject(page, 'Penguin mass');
	await loadDemo(page, 'penguins', 344);
	await page.getByTestId('target-select').selectOption('body_mass_g');
	await expect(page.getByTestId('task-select')).toHaveValue('regression');
	await page.getByTestId('train-button').click();
	await expect(page.getByTestId('run-report')).toBeVisible({ timeout: 120_000 });
	await expect(page.getByText('2 rows have no value in "body_mass_g" and were left out.')).toBeVisible();
	expect(Number(await page.getByTestId('metric-r2').textContent())).toBeGreaterThan(0.6);
	expect(Number(await page.getByTestId('metric-rmse').textContent())).toBeGreaterThan(0);
	await expect(page.getByTestId('metric-mae')).toBeVisible();
});
