import { expect, test, type Page } from '@playwright/test';
import { audit } from './axe';
import { createProject, loadDemo, openSection, waitForJob } from './browser';

async function openTrust(page: Page): Promise<void> {
	await page.getByTestId('section-trust').click();
	await expect(page.getByTestId('section-trust')).toHaveAttribute('aria-current', 'page');
}

/** "ε 0: 95.6 % before, 96.5 % after; …" → [[0, 95.6, 96.5], …] */
function beforeAfter(summary: string): number[][] {
	return [...summary.matchAll(/ε ([\d.]+): ([\d.]+) % before, ([\d.]+) % after/g)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3])]);
}

test('adversarial training with its before/after curve, a small privacy trade-off, and the trust sections of the model card', async ({ page }) => {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	const found: string[] = [];
	await createProject(page, 'Trust more');
	await loadDemo(page, 'breast-cancer', 569);
	await openSection(page, 'train');
	await page.getByTestId('epochs-input').fill('8');
	await page.getByTestId('train-button').click();
	await waitForJob(page);

	// An adversarially trained run of it, then both attacked alike on the same holdout.
	await openTrust(page);
	await page.getByTestId('adversarial-epsilon').fill('0.2');
	await expect(page.getByTestId('adversarial-curve')).toHaveValue('0.1, 0.2, 0.4, 0.6');
	await page.getByTestId('adversarial-curve').fill('0.2, 0.6');
	found.push(...(await audit(page, 'trust section, adversarial training form')));
	await page.getByTestId('adversarial-button').click();
	await waitForJob(page);
	const result = page.getByTestId('adversarial-result');
	await expect(result).toBeVisible();
	const points = beforeAfter((await page.getByTestId('adversarial-plot').getByRole('img').getAttribute('aria-label'))!);
	expect(points.map((p) => p[0])).toEqual([0, 0.2, 0.6]);
	// Clean accuracy of both runs is real; attacks only lower it.
	for (const column of [1, 2]) {
		expect(points[0][column]).toBeGreaterThan(80);
		expect(points[2][column]).toBeLessThanOrEqual(points[0][column]);
	}
	// Trained against ε = 0.2, the new run holds up better at the largest ε than the original.
	expect(points[2][2]).toBeGreaterThan(points[2][1]);
	await expect(page.getByTestId('adversarial-table').getByRole('row')).toHaveCount(4);
	console.log(`breast cancer, PGD-10 L∞ accuracy before → after adversarial training (ε 0.2, 50 %, PGD-7): ${points.map(([e, b, a]) => `ε ${e}: ${b} → ${a} %`).join('; ')}`);
	found.push(...(await audit(page, 'adversarial before/after curve')));

	// The privacy/accuracy trade-off by target ε: σ solved per point, each run spends (within 1 %) the ε asked for.
	await page.getByTestId('tradeoff-epochs').fill('3');
	await page.getByTestId('tradeoff-by').selectOption('epsilon');
	await page.getByTestId('tradeoff-targets').fill('4, 1');
	found.push(...(await audit(page, 'privacy trade-off by target ε')));
	await page.getByTestId('tradeoff-button').click();
	const sweep = page.getByTestId('tradeoff-result');
	await expect(sweep).toBeVisible({ timeout: 300_000 });
	const rows = page.getByTestId('tradeoff-table').getByRole('row');
	await expect(rows).toHaveCount(4);
	const cells = async (i: number) => (await rows.nth(i).getByRole('cell').allTextContents()).map(Number);
	const sigmaAt = async (i: number) => Number(await rows.nth(i).getByRole('rowheader').textContent());
	for (const [i, target] of [[2, 1], [3, 4]]) {
		const [asked, achieved] = await cells(i);
		expect(asked).toBe(target);
		expect(Math.abs(achieved - target) / target).toBeLessThanOrEqual(0.01);
	}
	expect(await sigmaAt(2)).toBeGreaterThan(await sigmaAt(3));
	await expect(page.getByTestId('tradeoff-speed')).toContainText('× the speed');
	console.log(`trade-off: ${(await page.getByTestId('tradeoff-table').innerText()).replace(/\s+/g, ' ')}; ${await page.getByTestId('tradeoff-speed').innerText()}`);
	found.push(...(await audit(page, 'privacy trade-off plot')));

	// Dark, and at 390 px: both results stay inside the screen.
	await page.emulateMedia({ colorScheme: 'dark' });
	found.push(...(await audit(page, 'adversarial curve and trade-off, dark')));
	await page.emulateMedia({ colorScheme: 'light' });
	const size = page.viewportSize()!;
	await page.setViewportSize({ width: 390, height: 844 });
	found.push(...(await audit(page, 'adversarial curve and trade-off, 390 px')));
	for (const id of ['adversarial-form', 'adversarial-result', 'tradeoff-form', 'tradeoff-result']) {
		const { right, overflow } = await page.getByTestId(id).evaluate((el) => ({ right: el.getBoundingClientRect().right, overflow: el.scrollWidth - el.clientWidth }));
		expect(right, id).toBeLessThanOrEqual(390);
		expect(overflow, id).toBeLessThanOrEqual(0);
	}
	await page.setViewportSize(size);

	// Kept: a reload shows both again.
	await page.reload();
	await expect(page.getByTestId('adversarial-result')).toBeVisible();
	await expect(page.getByTestId('tradeoff-result')).toBeVisible();

	// The model card of the adversarially trained run says how it was trained and what the attack did.
	await page.getByTestId('section-ship').click();
	const picker = page.getByTestId('ship-run');
	// The plain run and the adversarially trained one, once Ship has read them (evaluateAll does not wait).
	await expect(picker.locator('option')).toHaveCount(2);
	const values = await picker.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
	expect(values).toHaveLength(2);
	const cards: string[] = [];
	for (const value of values) {
		await picker.selectOption(value);
		await page.getByTestId('make-card').click();
		const card = page.getByTestId('card-preview');
		await expect(card).toContainText('## Robustness');
		await expect(card).toContainText('none (clean) | accuracy');
		await expect(card).toContainText('PGD-10 L∞ ε = 0.6');
		await expect(card).toContainText('No fairness audit was run for this model.');
		await expect(card).toContainText('Not trained with differential privacy');
		cards.push((await card.textContent())!);
	}
	// Only the adversarially trained run says how it was trained, with its before/after figures.
	const adversarial = cards.filter((c) => c.includes('**Adversarial training:** 50 % of each batch replaced by PGD-7 L∞ examples at ε = 0.2'));
	expect(adversarial).toHaveLength(1);
	expect(adversarial[0]).toContain('**Before / after adversarial training:** ε 0:');
	found.push(...(await audit(page, 'model card with trust sections')));
	expect(found).toEqual([]);
	expect(errors).toEqual([]);
});
