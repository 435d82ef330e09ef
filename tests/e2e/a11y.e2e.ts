import { expect, test, type Page } from '@playwright/test';
import { audit } from './axe';
import { createProject, loadDemo, openSection, trainAndOpenRun } from './browser';

const VARIANTS = [
	{ name: 'light, desktop', colorScheme: 'light', width: 1280, height: 900 },
	{ name: 'dark, desktop', colorScheme: 'dark', width: 1280, height: 900 },
	{ name: 'light, 390 px', colorScheme: 'light', width: 390, height: 844 },
	{ name: 'dark, 390 px', colorScheme: 'dark', width: 390, height: 844 }
] as const;

let audited = 0;

/**
 * Audit one state in both themes and at both widths: the page follows the system colour scheme.
 * Consecutive states take the two diagonal pairs in turn (light desktop + dark phone, then dark
 * desktop + light phone), so every state is seen in each theme and each width and, across the
 * journey, every theme meets every width — at half the axe runs of the full square.
 */
async function auditAll(page: Page, state: string): Promise<string[]> {
	const found: string[] = [];
	const pair = audited++ % 2 === 0 ? [VARIANTS[0], VARIANTS[3]] : [VARIANTS[1], VARIANTS[2]];
	for (const v of pair) {
		await page.emulateMedia({ colorScheme: v.colorScheme });
		await page.setViewportSize({ width: v.width, height: v.height });
		await expect(page.locator('html')).toHaveAttribute('data-theme', v.colorScheme);
		found.push(...(await audit(page, `${state} (${v.name})`)));
	}
	return found;
}

test('every page and state passes axe in light and dark, on a desktop and at 390 px', async ({ page }) => {
	const found: string[] = [];
	await page.goto('/');
	found.push(...(await auditAll(page, 'projects, empty')));
	await createProject(page, 'Access');
	found.push(...(await auditAll(page, 'data, empty')));
	await loadDemo(page, 'penguins', 344);
	found.push(...(await auditAll(page, 'data, loaded')));
	await openSection(page, 'train');
	await page.getByTestId('epochs-input').fill('0');
	await page.getByTestId('train-button').click();
	found.push(...(await auditAll(page, 'train, invalid field')));
	await page.getByTestId('epochs-input').fill('4');
	await trainAndOpenRun(page);
	found.push(...(await auditAll(page, 'runs, report')));
	await openSection(page, 'train');
	found.push(...(await auditAll(page, 'train, finished job')));
	await openSection(page, 'predict');
	await page.getByTestId('predict-button').click();
	await expect(page.getByTestId('single-prediction')).toBeVisible();
	found.push(...(await auditAll(page, 'predict, result')));
	await page.goto('/settings/');
	await expect(page.getByTestId('backend-table')).toBeVisible({ timeout: 120_000 });
	found.push(...(await auditAll(page, 'settings')));
	await page.goto('/');
	found.push(...(await auditAll(page, 'projects, one')));
	expect(found).toEqual([]);
	// Keyboard: the skip link is the first stop and moves focus to the content.
	await page.keyboard.press('Tab');
	await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(page.locator('#main')).toBeFocused();
});

test('a theme chosen in the header wins over the system and survives a reload', async ({ page }) => {
	await page.emulateMedia({ colorScheme: 'light' });
	await page.goto('/');
	await page.getByTestId('theme-select').selectOption('dark');
	await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
	await page.reload();
	await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
	expect(await audit(page, 'projects, dark by choice')).toEqual([]);
});
