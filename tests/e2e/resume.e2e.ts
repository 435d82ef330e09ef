import { expect, test } from '@playwright/test';
import { createProject, launchPersistent, loadDemo, newProfileDir, openSection, waitForJob } from './browser';

test('a run cut off by closing the browser resumes from its checkpoint', async () => {
	const profile = newProfileDir();
	let context = await launchPersistent(profile);
	let page = await context.newPage();
	await createProject(page, 'Digits resume');
	await loadDemo(page, 'digits', 1797);
	await openSection(page, 'train');
	await page.getByTestId('epochs-input').fill('1200');
	await page.getByTestId('patience-input').fill('0');
	await page.getByTestId('train-button').click();
	// Checkpoints are written every 2 s of training; close once one is stored. The wait follows
	// the job's progress, so a busy machine only makes it longer. 1,200 epochs: with the fused MLP
	// step 60 took under 5 s, and on a faster VM 300 ended before a checkpoint was seen.
	const status = page.getByTestId('checkpoint-status');
	await expect(async () => {
		await expect(page.getByTestId('train-job').first()).toHaveAttribute('data-status', /queued|running/);
		await expect(status).toContainText(/Checkpoint saved after epoch \d+/, { timeout: 5_000 });
	}).toPass({ timeout: 300_000 });
	await openSection(page, 'runs');
	const url = page.url();
	await context.close();

	context = await launchPersistent(profile);
	page = await context.newPage();
	await page.goto(url);
	const row = page.getByTestId('run-list').locator('tbody tr').first();
	await expect(row).toContainText('interrupted');
	await expect(row).toContainText(/\d+ of 1200 epochs/);
	await page.getByTestId('resume-button').click();
	await expect(page.getByText(/Resumed from the checkpoint after epoch \d+\./)).toBeVisible();
	await waitForJob(page);
	await page.getByTestId('open-run').first().click();
	await expect(row).toContainText('done');
	await expect(row).toContainText('MLP 32-16 · 1200 epochs');
	expect(Number(await page.getByTestId('metric-accuracy').textContent())).toBeGreaterThan(0.9);
	await context.close();
});
