import { expect, test, type Page } from '@playwright/test';
import { audit } from './axe';
import { createProject, loadDemo, openSection, trainAndOpenRun } from './browser';

/** The evaluation follows training as a job of its own; wait for it to be stored and shown. */
async function waitForEvaluation(page: Page): Promise<void> {
	await expect(page.getByTestId('evaluation')).toHaveAttribute('data-status', 'done', { timeout: 300_000 });
}

/**
 * axe in light at desktop width and in dark at 390 px: each theme and each width once (the
 * a11y journey crosses the other pair), at half the axe runs.
 */
async function auditThemes(page: Page, state: string): Promise<string[]> {
	const found: string[] = [];
	const size = page.viewportSize()!;
	await page.emulateMedia({ colorScheme: 'light' });
	found.push(...(await audit(page, `${state}, light`)));
	await page.emulateMedia({ colorScheme: 'dark' });
	await page.setViewportSize({ width: 390, height: 844 });
	found.push(...(await audit(page, `${state}, dark, 390 px`)));
	// Nothing may push the page wider than the phone's screen.
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	await page.setViewportSize(size);
	await page.emulateMedia({ colorScheme: 'light' });
	return found;
}

const number = async (page: Page, testid: string) => Number((await page.getByTestId(testid).first().textContent())!.trim());

test('a breast-cancer run is evaluated on its holdout: curves, calibration, baselines, costs, importance; kept after reload', async ({ page }) => {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	await createProject(page, 'Biopsies');
	await loadDemo(page, 'breast-cancer', 569);
	await openSection(page, 'train');
	await page.getByTestId('epochs-input').fill('25');
	await trainAndOpenRun(page);
	await waitForEvaluation(page);
	const found: string[] = [];

	// Plots, each with its text alternative, and every figure beside the baselines.
	for (const id of ['roc-curve', 'pr-curve', 'calibration-curve', 'importance', 'partial-dependence', 'slice-metrics', 'worst-rows']) await expect(page.getByTestId(id)).toBeVisible();
	await expect(page.getByTestId('roc-curve').getByRole('img')).toHaveAttribute('aria-label', /area under the curve 0\.9\d*/);
	const auc = await number(page, 'eval-auc');
	expect(auc).toBeGreaterThan(0.95);
	await expect(page.locator('[data-metric="auc"]')).toContainText('majority class: 0.5');
	await expect(page.locator('[data-metric="logLoss"]')).toContainText('beats the baseline');
	await expect(page.getByTestId('importance').getByRole('listitem')).toHaveCount(30);
	found.push(...(await auditThemes(page, 'run report with evaluation')));

	// The threshold picker prices each kind of mistake.
	const picker = page.getByTestId('threshold-picker');
	await page.getByTestId('positive-class').selectOption('malignant');
	const totalAtEven = await number(page, 'threshold-total');
	await page.getByTestId('cost-fn').fill('20');
	const fnCount = Number((await page.getByTestId('cost-fn-total').textContent())!) / 20;
	await expect(page.getByTestId('threshold-total')).toHaveText(String(totalAtEven + fnCount * 19));
	await page.getByTestId('threshold-slider').fill('20');
	await expect(page.getByTestId('threshold-value')).toHaveText('0.20');
	await page.getByTestId('use-best-threshold').click();
	const best = (await page.getByTestId('threshold-best').locator('strong').first().textContent())!;
	await expect(page.getByTestId('threshold-value')).toHaveText(best);
	// Missing a malignant mass now costs as much as 20 false alarms: the cheapest threshold sits below one half.
	expect(Number(best)).toBeLessThan(0.5);
	await expect(picker.getByRole('img')).toHaveAttribute('aria-label', /lowest/);
	await page.getByTestId('cost-fp').fill('-1');
	await expect(picker.getByRole('alert')).toContainText('Costs must be numbers of 0 or more.');
	await page.getByTestId('cost-fp').fill('1');

	// Error analysis: slices of another column, filtered worst rows.
	await page.getByTestId('slice-column').selectOption('mean_radius');
	await page.getByTestId('slice-select').selectOption({ index: 4 });
	await expect(page.getByText(/of the \d+ worst-predicted holdout rows match/)).toBeVisible();
	await page.getByTestId('true-class-select').selectOption('malignant');
	await page.getByTestId('confusion-normalised').check();
	await expect(page.getByTestId('confusion-matrix')).toContainText('%');
	found.push(...(await audit(page, 'evaluation, filtered')));

	// Stored with the run: a reload shows the same evaluation without computing it again.
	await page.reload();
	await waitForEvaluation(page);
	expect(await number(page, 'eval-auc')).toBe(auc);
	await expect(page.getByTestId('calibration-curve')).toBeVisible();

	// A run stored before evaluations existed offers to compute one.
	const runId = new URL(page.url()).searchParams.get('run')!;
	await page.evaluate(
		(key) =>
			new Promise<void>((resolve, reject) => {
				const open = indexedDB.open('kiln');
				open.onsuccess = () => {
					const tx = open.result.transaction('artifacts', 'readwrite');
					tx.objectStore('artifacts').delete(key);
					tx.oncomplete = () => (open.result.close(), resolve());
					tx.onerror = () => reject(tx.error);
				};
			}),
		`evaluation-${runId}`
	);
	await page.reload();
	await expect(page.getByTestId('evaluation')).toHaveAttribute('data-status', 'none');
	found.push(...(await audit(page, 'run without evaluation')));
	await page.getByTestId('compute-evaluation').click();
	await waitForEvaluation(page);
	expect(await number(page, 'eval-auc')).toBe(auc);

	// Per-prediction attributions beside a single prediction.
	await openSection(page, 'predict');
	await page.getByTestId('predict-form').getByLabel('worst_radius').fill('25');
	await page.getByTestId('predict-button').click();
	await expect(page.getByTestId('single-prediction')).toBeVisible();
	const attributions = page.getByTestId('attributions');
	await expect(attributions.getByRole('listitem')).toHaveCount(30);
	await expect(attributions).toContainText('worst_radius');
	await expect(attributions).toContainText('contributions add up');
	found.push(...(await auditThemes(page, 'predict with attributions')));

	// The plain-JS runtime answers through the shared-memory lane (its own worker); a cell it cannot read still fails by name.
	expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
	await page.getByTestId('predict-runtime').selectOption('js');
	await page.getByTestId('predict-button').click();
	await expect(page.getByTestId('prediction-runtime')).toContainText('Plain JavaScript');
	expect(page.workers().some((w) => w.url().includes('predict-lane'))).toBe(true);
	await page.getByTestId('predict-form').getByLabel('worst_radius').fill('wide');
	await page.getByTestId('predict-button').click();
	await expect(page.getByRole('alert')).toContainText('worst_radius');

	expect(found).toEqual([]);
	expect(errors).toEqual([]);
});

test('a regression run shows residuals and predicted against actual beside the mean', async ({ page }) => {
	await createProject(page, 'Penguin mass evaluated');
	await loadDemo(page, 'penguins', 344);
	await page.getByTestId('target-select').selectOption('body_mass_g');
	await openSection(page, 'train');
	await page.getByTestId('epochs-input').fill('15');
	await trainAndOpenRun(page);
	await waitForEvaluation(page);
	for (const id of ['predicted-vs-actual', 'residual-plot', 'residual-histogram', 'importance']) await expect(page.getByTestId(id)).toBeVisible();
	await expect(page.locator('[data-metric="rmse"]')).toContainText('the mean:');
	await expect(page.locator('[data-metric="r2"]')).toContainText('beats the baseline');
	expect(await auditThemes(page, 'regression evaluation')).toEqual([]);
});
