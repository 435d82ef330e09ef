import { expect, test, type BrowserContextOptions } from '@playwright/test';
import { audit } from './axe';
import { createProject, loadDemo, openSection, trainAndOpenRun } from './browser';

const variants: [string, BrowserContextOptions][] = [
	['light, desktop', { colorScheme: 'light', viewport: { width: 1280, height: 900 } }],
	['dark, desktop', { colorScheme: 'dark', viewport: { width: 1280, height: 900 } }],
	['light, 390 px', { colorScheme: 'light', viewport: { width: 390, height: 844 } }],
	['dark, 390 px', { colorScheme: 'dark', viewport: { width: 390, height: 844 } }]
];
for (const [name, options] of variants) {
	test(`every page and state passes axe (${name})`, async ({ browser }) => {
		const context = await browser.newContext(options);
		const page = await context.newPage();
		const found: string[] = [];
		await page.goto('/');
		found.push(...(await audit(page, 'projects, empty')));
		await createProject(page, 'Access');
		found.push(...(await audit(page, 'data, empty')));
		await loadDemo(page, 'penguins', 344);
		found.push(...(await audit(page, 'data, loaded')));
		await openSection(page, 'train');
		await page.getByTestId('epochs-input').fill('0');
		await page.getByTestId('train-button').click();
		found.push(...(await audit(page, 'train, invalid field')));
		await page.getByTestId('epochs-input').fill('4');
		await trainAndOpenRun(page);
		found.push(...(await audit(page, 'runs, report')));
		await openSection(page, 'train');
		found.push(...(await audit(page, 'train, finished job')));
		await openSection(page, 'predict');
		await page.getByTestId('predict-button').click();
		await expect(page.getByTestId('single-prediction')).toBeVisible();
		found.push(...(await audit(page, 'predict, result')));
		await page.goto('/settings/');
		await expect(page.getByTestId('backend-table')).toBeVisible({ timeout: 120_000 });
		found.push(...(await audit(page, 'settings')));
		await page.goto('/');
		found.push(...(await audit(page, 'projects, one')));
		expect(found).toEqual([]);
		// Keyboard: the skip link is the first stop and moves focus to the content.
		await page.keyboard.press('Tab');
		await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
		await context.close();
	});
}
