import { expect, test } from '@playwright/test';
import { audit } from './axe';
import { createProject, loadDemo, openSection, waitForJob } from './browser';

// Classic families as first-class runs: a forest through a Prepare pipeline with k-fold
// cross-validation from the Train form, then a tiny forest search in Tune that trains its best config,
// prediction after a reload replaying that pipeline, and Find a model resumed after a reload.
test('classic runs: a forest with a pipeline and 3-fold CV, a forest Tune search, predict after reload, Find a model resumed', async ({ page }) => {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	const found: string[] = [];
	await createProject(page, 'Classic runs');
	await loadDemo(page, 'titanic', 1309);

	// The pipeline: drop the names, encode every other column.
	await openSection(page, 'prepare');
	await page.getByTestId('step-kind').selectOption('drop');
	await page.getByTestId('add-step').click();
	await page.getByTestId('step-form').getByRole('checkbox', { name: 'name' }).check();
	await page.getByTestId('step-apply').click();
	await expect(page.getByTestId('pipeline-steps').locator('li').first()).toHaveAttribute('data-status', 'ok');
	await page.getByTestId('use-every-column').click();
	await expect(page.getByTestId('encodings')).not.toContainText('name');
	await page.getByTestId('save-pipeline').click();
	await expect(page.getByTestId('pipeline-status')).toContainText('Saved as version 1');

	// A forest through the saved pipeline, 3-fold cross-validation, class weights.
	await openSection(page, 'train');
	await page.getByTestId('model-select').selectOption('forest');
	await page.getByTestId('param-nTrees').fill('30');
	await expect(page.getByTestId('pipeline-select')).toContainText('version 1');
	await page.getByTestId('split-select').selectOption('stratified-kfold');
	await page.getByTestId('folds-input').fill('3');
	await page.getByTestId('balance-select').selectOption('class-weights');
	found.push(...(await audit(page, 'train, forest with a pipeline, k-fold and balance')));
	await page.getByTestId('train-button').click();
	await waitForJob(page);
	await expect(page.getByTestId('train-job').first()).toContainText('Cross-validation over 3 folds');
	await page.getByTestId('open-run').first().click();
	await expect(page.getByTestId('run-report')).toContainText('random forest');
	await expect(page.getByTestId('run-data')).toContainText('version 1');
	await expect(page.getByTestId('cv-folds').locator('tbody tr')).toHaveCount(3);
	await expect(page.getByTestId('cv-summary')).toContainText(/accuracy, mean ± std\s*0\.\d{3} ± 0\.\d{3}/);
	expect(Number(await page.getByTestId('metric-accuracy').textContent())).toBeGreaterThan(0.7);
	found.push(...(await audit(page, 'runs, forest with a pipeline and k-fold')));


	// A tiny forest search: 3 trials of at most 20 trees, one fit each (no epochs to set).
	await openSection(page, 'tune');
	await page.getByTestId('family-select').selectOption('forest');
	await expect(page.getByTestId('one-fit-note')).toBeVisible();
	await expect(page.getByTestId('asha-toggle')).toHaveCount(0);
	await page.getByTestId('trials-input').fill('3');
	await page.getByTestId('low-nTrees').fill('5');
	await page.getByTestId('high-nTrees').fill('20');
	found.push(...(await audit(page, 'tune, forest search form')));
	await page.getByTestId('start-search').click();
	const view = page.getByTestId('search-view');
	await expect(view).toHaveAttribute('data-status', 'done', { timeout: 300_000 });
	await expect(page.getByTestId('trial-table').locator('tbody tr')).toHaveCount(3);
	await expect(page.getByTestId('best-trial')).toContainText('Trees');
	found.push(...(await audit(page, 'tune, finished forest search')));
	await page.getByTestId('train-best').click();
	await waitForJob(page);

	// After a reload, prediction replays the pipeline of the first finished run, the model in use (no name column needed; age missing in one row).
	await page.reload();
	await openSection(page, 'predict');
	await expect(page.getByTestId('model-in-use')).toContainText('random forest');
	await expect(page.getByTestId('model-in-use')).toContainText('pipeline');
	await page.getByTestId('predict-input').setInputFiles({
		name: 'passengers.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from('passenger_class,sex,age\n1st,female,29\n3rd,male,\n3rd,male,40\n')
	});
	await expect(page.getByTestId('batch-summary')).toContainText('3 predictions for passengers.csv');
	await expect(page.getByTestId('batch-table').locator('tbody tr').first()).toContainText('yes');
	found.push(...(await audit(page, 'predict with a classic model and its pipeline')));

	// Find a model survives a reload: families finished before it keep their scores, Resume runs the rest.
	await openSection(page, 'train');
	await page.getByTestId('find-folds').selectOption('3');
	await page.getByTestId('find-start').click();
	const board = page.getByTestId('leaderboard');
	const scored = board.locator('tbody tr:not(.muted)');
	// Family and mean ± std of each scored row (ranks move as more families finish).
	const scores = () => scored.evaluateAll((rows) => rows.map((r) => `${r.querySelector('th')?.textContent} ${r.querySelectorAll('td')[1]?.textContent}`));
	await expect(scored.first()).toBeVisible({ timeout: 300_000 });
	// Cancel the rest once one family has finished (unless all finished meanwhile), then reload.
	const cancelled = await page.getByTestId('find-cancel').click({ timeout: 2000 }).then(() => true, () => false);
	if (cancelled) await expect(page.getByTestId('find-status')).toHaveAttribute('data-status', /cancelled|done/);
	const unfinished = await board.locator('tbody tr.muted').count();
	await page.reload();
	await expect(page.getByTestId('find-status')).toHaveAttribute('data-status', 'stored');
	const kept = await scores();
	expect(kept.length).toBeGreaterThanOrEqual(1);
	await expect(board.locator('tbody tr.muted')).toHaveCount(unfinished);
	found.push(...(await audit(page, 'find a model, stored search after a reload')));
	if (unfinished > 0) {
		await page.getByTestId('find-resume').click();
		await expect(page.getByTestId('find-note')).toContainText(`Resumed: ${kept.length} finished`);
		await expect(page.getByTestId('find-status')).toHaveAttribute('data-status', 'done', { timeout: 300_000 });
	}
	await expect(board.locator('tbody tr.muted')).toHaveCount(0);
	const after = await scores();
	for (const row of kept) expect(after).toContain(row);

	expect(found).toEqual([]);
	expect(errors).toEqual([]);
});
