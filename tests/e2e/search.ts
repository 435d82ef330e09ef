import { expect, type Page } from '@playwright/test';
import { openSection } from './browser';

/**
 * A small search from the Tune page on the project's last run: a 2-point grid over the learning
 * rate alone, `epochs` a trial, no early stopping; it waits for both trials, checks they scored
 * differently and opens the best. `base` is what the form says each trial trains.
 */
export async function learningRateGrid(page: Page, base: string, epochs: number): Promise<void> {
	await openSection(page, 'tune');
	await expect(page.getByTestId('search-form')).toContainText(base);
	// The space editor renders after the section: collecting its boxes earlier finds none.
	await page.getByTestId('search-learningRate').waitFor();
	for (const box of await page.locator('[data-testid="search-form"] input[type="checkbox"][data-testid^="search-"]').all()) {
		if ((await box.getAttribute('data-testid')) === 'search-learningRate') await box.check();
		else await box.uncheck();
	}
	await page.getByTestId('strategy-select').selectOption('grid');
	await page.getByTestId('grid-points').fill('2');
	await page.getByTestId('trials-input').fill('2');
	await page.getByTestId('asha-toggle').uncheck();
	await page.getByTestId('epochs-per-trial').fill(String(epochs));
	await page.getByTestId('start-search').click();
	await expect(page.getByTestId('search-view')).toHaveAttribute('data-status', 'done', { timeout: 300_000 });
	await expect(page.getByTestId('trial-table').locator('tbody tr[data-status="done"]')).toHaveCount(2);
	expect(new Set(await page.getByTestId('trial-score').allTextContents()).size).toBe(2);
	await page.getByTestId('open-best').click();
	await expect(page.getByTestId('trial-detail')).toContainText('the best so far');
}
