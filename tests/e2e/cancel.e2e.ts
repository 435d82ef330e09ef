import { expect, test } from '@playwright/test';
import { createProject, loadDemo, openSection, waitForJob } from './browser';

test('cancel stops training at once, keeps the history, and the next run starts fresh', async ({ page }) => {
	await createProject(page, 'Digits cancel');
	await loadDemo(page, 'digits', 1797);
	await expect(page.getByTestId('target-select')).toHaveValue('digit');
	await expect(page.getByTestId('task-select')).toHaveValue('classification');
	await openSection(page, 'train');
	await page.getByTestId('epochs-input').fill('2000');
	await page.getByTestId('patience-input').fill('0');
	await page.getByTestId('train-button').click();

	// Wait until a few epochs have been reported, then check the page still reacts to input.
	const job = page.getByTestId('train-job').first();
	await expect(job.getByRole('progressbar')).toBeVisible();
	await expect(job.getByText(/Epoch [3-9]\d* of 2000/)).toBeVisible();
	// digits' three blank pixel columns are constant: a first model leaves them out and says so.
	await expect(page.getByTestId('left-out')).toContainText('p0 (one value only), p32 (one value only), p39 (one value only)');
	await page.getByText(/Features: 61 of 64 columns/).click();
	await expect(page.getByRole('checkbox', { name: 'p63' })).toBeVisible();

	// The job belongs to the studio: leaving for Settings and coming back keeps progress and Cancel.
	await page.getByRole('link', { name: 'Settings' }).click();
	// The indicator is in the header of every page: wait for Settings itself, or goBack could leave Train instead.
	await expect(page).toHaveURL(/\/settings/);
	await expect(page.getByTestId('jobs-indicator')).toContainText('1 job running');
	await page.goBack();
	await expect(page).toHaveURL(/\/project\/train/);
	await expect(job.getByTestId('cancel-button')).toBeVisible();

	await job.getByTestId('cancel-button').click();
	await waitForJob(page, 'cancelled');
	await expect(job.getByRole('progressbar')).toBeHidden();
	// The cancelled run's epochs stay on its chart.
	await expect(job.getByText(/Loss and validation accuracy per epoch/)).toBeVisible();
	await openSection(page, 'runs');
	const runs = page.getByTestId('run-list').locator('tbody tr');
	await expect(runs).toHaveCount(1);
	await expect(runs.first()).toContainText('cancelled');

	// A new run gets a fresh worker and finishes.
	await openSection(page, 'train');
	await page.getByTestId('epochs-input').fill('3');
	await page.getByTestId('train-button').click();
	await waitForJob(page);
	await page.getByTestId('open-run').first().click();
	await expect(page.getByTestId('run-report')).toBeVisible();
	await expect(runs).toHaveCount(2);
	await expect(page.getByTestId('run-list')).toContainText('done');
	expect(Number(await page.getByTestId('metric-accuracy').textContent())).toBeGreaterThan(0.5);

	// After a reload the cancelled run is still recorded as cancelled, and the form is as left.
	await page.reload();
	await expect(page.getByTestId('run-list').locator('tbody tr')).toHaveCount(2);
	await expect(page.getByTestId('run-list')).toContainText('cancelled');
	await openSection(page, 'train');
	await expect(page.getByTestId('epochs-input')).toHaveValue('3');

	// Deleting the cancelled run leaves the finished one.
	await openSection(page, 'runs');
	page.once('dialog', (dialog) => void dialog.accept());
	await page.getByTestId('run-list').locator('tr', { hasText: 'cancelled' }).getByRole('button', { name: /Delete run/ }).click();
	await expect(page.getByTestId('run-list').locator('tbody tr')).toHaveCount(1);
	await expect(page.getByTestId('run-list')).toContainText('done');
});

test('invalid settings are named beside their fields and start no run', async ({ page }) => {
	await createProject(page, 'Bad settings');
	await loadDemo(page, 'iris', 150);
	await openSection(page, 'train');
	await page.getByTestId('hiddenLayers-input').fill('abc');
	await page.getByTestId('learningRate-input').fill('');
	await page.getByTestId('seed-input').fill('abc');
	await page.getByTestId('epochs-input').fill('0');
	await page.getByTestId('train-button').click();
	const form = page.getByTestId('train-form');
	await expect(form.getByRole('alert')).toHaveCount(4);
	await expect(page.getByTestId('hiddenLayers-input')).toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByTestId('hiddenLayers-input')).toBeFocused();
	await expect(form).toContainText('Whole numbers from 1 to 4096');
	await expect(form).toContainText('This field is empty.');
	await expect(form).toContainText('A whole number from 1 to 10000.');
	await expect(page.getByTestId('train-job')).toHaveCount(0);
	await openSection(page, 'runs');
	await expect(page.getByText('No runs yet.')).toBeVisible();
});

test('a learning rate that makes the loss explode gives a diverged run, not a model', async ({ page }) => {
	await createProject(page, 'Diverge');
	await loadDemo(page, 'iris', 150);
	await openSection(page, 'train');
	await page.getByTestId('learningRate-input').fill('10');
	await page.getByTestId('train-button').click();
	await waitForJob(page, 'diverged');
	await expect(page.getByTestId('train-job').getByRole('alert')).toContainText(/training diverged\. Lower the learning rate \(now 10; try 1\)/);
	await openSection(page, 'runs');
	await expect(page.getByTestId('run-list')).toContainText('diverged');
	await openSection(page, 'predict');
	await expect(page.getByTestId('no-model')).toBeVisible();
});
