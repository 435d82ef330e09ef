import { expect, test } from '@playwright/test';
import { audit } from './axe';
import { createProject, loadDemo, openSection, predictIrisRow, waitForJob } from './browser';

// The model lab: a random forest trained as a job on a demo set, shown in Runs with its own
// importances, kept across a reload, and used by Predict like any model.
test('train a random forest on iris, see its importances, reload, predict', async ({ page }) => {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	const found: string[] = [];
	await createProject(page, 'Forest lab');
	await loadDemo(page, 'iris', 150);
	await openSection(page, 'train');

	await page.getByTestId('model-select').selectOption('forest');
	await expect(page.getByTestId('epochs-input')).toHaveCount(0);
	await page.getByTestId('param-nTrees').fill('0');
	await page.getByTestId('train-button').click();
	await expect(page.getByTestId('param-nTrees')).toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByTestId('param-nTrees')).toHaveAccessibleDescription(/whole number from 1 to 5000/);
	found.push(...(await audit(page, 'train form, random forest settings with a wrong field')));
	await page.getByTestId('param-nTrees').fill('40');
	await expect(page.getByTestId('param-nTrees')).not.toHaveAttribute('aria-invalid', 'true');

	await page.getByTestId('train-button').click();
	await waitForJob(page);
	// The forest's trees grew in the ML pool's workers side by side (one share each), then were joined.
	const cores = await page.evaluate(() => navigator.hardwareConcurrency);
	if (cores > 1) await expect(page.getByTestId('train-job').first()).toContainText(`40 trees were fitted in ${Math.min(cores, 40)} workers side by side`);
	await page.getByTestId('open-run').first().click();
	await expect(page.getByTestId('run-report')).toContainText('random forest');
	expect(Number(await page.getByTestId('metric-accuracy').textContent())).toBeGreaterThan(0.85);
	await expect(page.getByTestId('model-importances').getByRole('listitem')).toHaveCount(4);
	await expect(page.getByTestId('model-facts')).toContainText('Model size');
	found.push(...(await audit(page, 'run report of a random forest')));

	await page.reload();
	await expect(page.getByTestId('run-list')).toContainText('random forest');
	await expect(page.getByTestId('run-list')).toContainText('40 trees');

	await openSection(page, 'predict');
	await expect(page.getByTestId('model-in-use')).toContainText('random forest');
	await predictIrisRow(page);
	await expect(page.getByTestId('single-prediction')).toContainText('virginica');
	await expect(page.getByTestId('attributions')).toContainText('paths of its trees');
	await page.getByTestId('predict-input').setInputFiles({
		name: 'new-flowers.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from('petal_width,petal_length,sepal_width,sepal_length\n0.2,1.4,3.5,5.1\n2.3,5.2,3.0,6.7\n')
	});
	await expect(page.getByTestId('batch-summary')).toContainText('2 predictions for new-flowers.csv');
	await expect(page.getByTestId('batch-table').locator('tbody tr').first()).toContainText('setosa');
	found.push(...(await audit(page, 'predict with a random forest')));

	expect(found).toEqual([]);
	expect(errors).toEqual([]);
});

test('find a model on iris: a live leaderboard of every family and the MLP, keep the two best as runs and compare them', async ({ page }) => {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	const found: string[] = [];
	await createProject(page, 'Find lab');
	await loadDemo(page, 'iris', 150);
	await openSection(page, 'train');
	await page.getByTestId('find-folds').selectOption('3');
	await page.getByTestId('find-start').click();
	await expect(page.getByTestId('find-reasons')).toContainText('few rows');
	await expect(page.getByTestId('find-reasons')).toContainText('The neural network (MLP) last, on a small budget');
	// Waits on the search's own progress: each family's row fills in as its folds finish.
	await expect(page.getByTestId('find-status')).toHaveAttribute('data-status', 'done', { timeout: 300_000 });
	const rows = page.getByTestId('leaderboard').locator('tbody tr');
	await expect(rows).toHaveCount(7);
	// One family is marked as Find's recommendation (the simplest within one standard error of the best).
	await expect(page.getByTestId('find-recommended')).toHaveCount(1);
	await expect(page.getByTestId('leaderboard')).toContainText('neural network (MLP)');
	const best = Number((await rows.first().locator('td').nth(1).textContent())!.split('±')[0]);
	expect(best).toBeGreaterThanOrEqual(0.9);
	found.push(...(await audit(page, 'find a model: leaderboard')));

	// Keep the two best: each trains as a normal run with the usual split.
	await rows.nth(0).getByRole('button', { name: /^Keep/ }).click();
	await rows.nth(1).getByRole('button', { name: /^Keep/ }).click();
	await waitForJob(page);
	await openSection(page, 'runs');
	await expect(page.getByTestId('run-list').locator('tbody tr')).toHaveCount(2);
	await expect(page.getByTestId('run-list')).not.toContainText('running', { timeout: 300_000 });

	// Compare them: metrics side by side, overlaid curves, the settings that differ.
	const picks = page.getByTestId('compare-pick');
	await picks.nth(0).check();
	await picks.nth(1).check();
	await expect(page.getByTestId('compare-metrics')).toContainText('Holdout accuracy');
	await expect(page.getByTestId('overlay-curves')).toBeVisible();
	await expect(page.getByTestId('compare-diff')).toContainText('model');
	found.push(...(await audit(page, 'runs comparison')));

	expect(found).toEqual([]);
	expect(errors).toEqual([]);
});
