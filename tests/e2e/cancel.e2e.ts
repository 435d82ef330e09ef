import { expect, test } from '@playwright/test';
import { createProject, loadDemo } from './browser';

test('cancel stops training at once, keeps the history, and the next run starts fresh', async ({ page }) => {
	await createProject(page, 'Digits cancel');
	await loadDemo(page, 'digits', 1797);
	await expect(page.getByTestId('target-select')).toHaveValue('digit');
	await expect(page.getByTestId('task-select')).toHaveValue('classification');
	await page.getByTestId('epochs-input').fill('2000');
	await page.getByTestId('train-button').click();

	// Wait until a few epochs have been reported, then check the page still reacts to input.
	await expect(page.getByRole('progressbar')).toBeVisible();
	await expect(page.getByText(/Epoch [3-9]\d* of 2000/)).toBeVisible({ timeout: 60_000 });
	await page.getByText(/Features: 64 of 64 columns/).click();
	await expect(page.getByRole('checkbox', { name: 'p63' })).toBeVisible();

	await page.getByTestId('cancel-button').click();
	await expect(page.getByRole('progressbar')).toBeHidden();
	await expect(page.getByTestId('cancel-button')).toBeHidden();
	const runs = page.getByTestId('run-list').locator('tbody tr');
	await expect(runs).toHaveCount(1);
	await expect(runs.first()).toContainText('cancelled');
	// The cancelled run's epochs stay on the live chart; no report, since no model was kept.
	await expect(page.getByText('Loss and holdout accuracy per epoch')).toBeVisible();
	await expect(page.getByTestId('run-report')).toHaveCount(0);

	// A new run gets a fresh worker and finishes.
	await page.getByTestId('epochs-input').fill('3');
	await page.getByTestId('train-button').click();
	await expect(page.getByTestId('run-report')).toBeVisible({ timeout: 60_000 });
	await expect(runs).toHaveCount(2);
	await expect(runs.first()).toContainText('done');
	expect(Number(await page.getByTestId('metric-accuracy').textContent())).toBeGreaterThan(0.5);

	// After a reload the cancelled run is still recorded as cancelled, and the form is as left.
	await page.reload();
	await expect(page.getByTestId('epochs-input')).toHaveValue('3');
	await expect(page.getByTestId('run-list').locator('tbody tr')).toHaveCount(2);
	await expect(page.getByTestId('run-list')).toContainText('cancelled');

	// Deleting the cancelled run leaves the finished one and its report.
	page.once('dialog', (dialog) => void dialog.accept());
	await page.getByTestId('run-list').locator('tr', { hasText: 'cancelled' }).getByRole('button', { name: /Delete run/ }).click();
	await expect(page.getByTestId('run-list').locator('tbody tr')).toHaveCount(1);
	await expect(page.getByTestId('run-list')).toContainText('done');
	await expect(page.getByTestId('run-report')).toBeVisible();
});
