import { expect, test, type Page } from '@playwright/test';
import { audit } from './axe';
import { createProject, loadDemo, openSection, trainAndOpenRun } from './browser';

// One seam (workers/lib/run-model) lets every finished run be evaluated and audited: here a run
// trained through a Prepare pipeline and a classic decision tree through the same pipeline, on the
// Titanic demo set.

async function waitForEvaluation(page: Page): Promise<void> {
	await expect(page.getByTestId('evaluation')).toHaveAttribute('data-status', 'done', { timeout: 300_000 });
}

async function expectFigures(page: Page): Promise<void> {
	for (const id of ['roc-curve', 'calibration-curve', 'importance', 'partial-dependence', 'slice-metrics', 'worst-rows']) await expect(page.getByTestId(id)).toBeVisible();
	await expect(page.getByTestId('importance').getByRole('listitem')).toHaveCount(3);
}

/** Pick the run whose description contains `text` in a run picker, audit it for fairness by sex, and wait for the result. */
async function auditFairness(page: Page, text: string): Promise<void> {
	const picker = page.getByTestId('fairness-run');
	// allTextContents does not wait: first the run's option itself.
	await expect(picker.locator('option').filter({ hasText: text })).not.toHaveCount(0);
	const labels = await picker.locator('option').allTextContents();
	const index = labels.findIndex((l) => l.includes(text));
	expect(index, labels.join(' | ')).toBeGreaterThanOrEqual(0);
	await picker.selectOption({ index });
	await expect(page.getByTestId('fairness-result')).toHaveCount(0);
	await expect(page.getByTestId('sensitive-sex')).toBeChecked();
	await page.getByTestId('fairness-button').click();
	await expect(page.getByTestId('audit-job').first()).toHaveAttribute('data-status', 'done', { timeout: 300_000 });
	const result = page.getByTestId('fairness-result');
	await expect(result).toBeVisible();
	const table = page.getByTestId('fairness-table').first();
	await expect(table.getByRole('rowheader', { name: 'female', exact: true })).toBeVisible();
	await expect(table.getByRole('rowheader', { name: 'male', exact: true })).toBeVisible();
}

test('a pipeline run and a classic run each get the evaluation suite and a fairness audit', async ({ page }) => {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	const found: string[] = [];
	await createProject(page, 'Seam');
	await loadDemo(page, 'titanic', 1309);

	// A one-step pipeline: drop the name column, encode the rest.
	await openSection(page, 'prepare');
	await expect(page.getByTestId('pipeline-summary')).toContainText('sample rows');
	await page.getByTestId('step-kind').selectOption('drop');
	await page.getByTestId('add-step').click();
	await page.getByTestId('step-form').getByRole('checkbox', { name: 'name' }).check();
	await page.getByTestId('step-apply').click();
	await expect(page.getByTestId('step-form')).toBeHidden();
	await expect(page.getByTestId('pipeline-steps').locator('li')).toHaveCount(1);
	await expect(page.getByTestId('pipeline-steps').locator('li').first()).toHaveAttribute('data-status', 'ok');
	await page.getByTestId('use-every-column').click();
	await expect(page.getByTestId('encodings')).not.toContainText('name');
	await page.getByTestId('save-pipeline').click();
	await expect(page.getByTestId('pipeline-status')).toContainText('Saved as version 1');

	// The network through the pipeline: evaluated like any run.
	await openSection(page, 'train');
	await expect(page.getByTestId('pipeline-select')).toContainText('version 1');
	await page.getByTestId('epochs-input').fill('10');
	await trainAndOpenRun(page);
	await expect(page.getByTestId('run-data')).toContainText('version 1');
	await waitForEvaluation(page);
	await expectFigures(page);
	found.push(...(await audit(page, 'evaluation of a pipeline run')));

	// A classic decision tree through the same pipeline (classic families take pipelines too): evaluated as well.
	await openSection(page, 'train');
	await page.getByTestId('model-select').selectOption('tree');
	await expect(page.getByTestId('pipeline-select')).toContainText('version 1');
	await trainAndOpenRun(page);
	await expect(page.getByTestId('run-report')).toContainText('decision tree');
	await expect(page.getByTestId('run-data')).toContainText('version 1');
	await waitForEvaluation(page);
	await expectFigures(page);
	found.push(...(await audit(page, 'evaluation of a decision-tree run')));

	// Fairness audits of both; the robustness card offers the network only.
	await page.getByTestId('section-trust').click();
	await expect(page.getByTestId('section-trust')).toHaveAttribute('aria-current', 'page');
	await auditFairness(page, 'decision tree');
	found.push(...(await audit(page, 'fairness audit of a decision-tree run')));
	await auditFairness(page, 'MLP');
	found.push(...(await audit(page, 'fairness audit of a pipeline run')));
	await expect(page.getByTestId('robustness-run').locator('option')).toHaveCount(1);
	await expect(page.getByTestId('robustness-run')).not.toContainText('decision tree');

	expect(found).toEqual([]);
	expect(errors).toEqual([]);
});
