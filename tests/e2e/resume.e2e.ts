import { expect, test } from '@playwright/test';
import { createProject, launchPersistent, loadDemo, newProfileDir } from './browser';

test('a run cut off by closing the browser resumes from its checkpoint', async () => {
	const profile = newProfileDir();
	let context = await launchPersistent(profile);
	let page = await context.newPage();
	await createProject(page, 'Digits resume');
	await loadDemo(page, 'digits', 1797);
	await page.getByTestId('epochs-input').fill('150');
	await page.getByTestId('train-button').click();
	// Checkpoints are written every 2 s of training; close once one is stored.
	await expect(page.getByTestId('checkpoint-status')).toContainText(/Checkpoint saved after epoch \d+/, { timeout: 90_000 });
	const url = page.url();
	await context.close();

	context = await launchPersistent(profile);
	page = await context.newPage();
	await page.goto(url);
	const row = page.getByTestId('run-list').locator('tbody tr').first();
	await expect(row).toContainText('interrupted');
	await expect(row).toContainText(/\d+ of 150 epochs/);
	await page.getByTestId('resume-button').click();
	await expect(page.getByText(/Resumed from the checkpoint after epoch \d+\./)).toBeVisible();
	await expect(page.getByTestId('run-report')).toBeVisible({ timeout: 120_000 });
	await expect(row).toContainText('done');
	await expect(row).toContainText('MLP 32-16 · 150 epochs');
	expect(Number(await page.getByTestId('metric-accuracy').textContent())).toBeGreaterThan(0.9);
	await context.close();
});
