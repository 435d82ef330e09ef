import { expect, test, type Page } from '@playwright/test';
import { audit } from './axe';
import { createProject, launchPersistent, loadDemo, newProfileDir, waitForJob } from './browser';

async function openTrust(page: Page): Promise<void> {
	await page.getByTestId('section-trust').click();
	await expect(page.getByTestId('section-trust')).toHaveAttribute('aria-current', 'page');
}

/**
 * axe in light and dark, and at 390 px, where nothing may push the page wider than the screen
 * (or, with `only`, none of those elements: a page others own may overflow for its own reasons).
 */
async function auditThemes(page: Page, state: string, only?: string[]): Promise<string[]> {
	const found: string[] = [];
	const size = page.viewportSize()!;
	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme });
		found.push(...(await audit(page, `${state}, ${colorScheme}`)));
	}
	await page.setViewportSize({ width: 390, height: 844 });
	found.push(...(await audit(page, `${state}, 390 px`)));
	if (!only) expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	if (only) {
		// Name what else is too wide, for whoever owns it.
		const wide = await page.evaluate(() => [...document.querySelectorAll('main *')].filter((el) => el.getBoundingClientRect().right > 391 && el.parentElement!.getBoundingClientRect().right <= 391).map((el) => `${el.tagName.toLowerCase()}${el.getAttribute('data-testid') ? `[${el.getAttribute('data-testid')}]` : ''} ${Math.round(el.getBoundingClientRect().right)}px`));
		if (wide.length > 0) console.log(`${state} at 390 px, too wide (not this feature's): ${wide.join(', ')}`);
	}
	for (const id of only ?? []) {
		const { right, overflow } = await page.getByTestId(id).evaluate((el) => ({ right: el.getBoundingClientRect().right, overflow: el.scrollWidth - el.clientWidth }));
		expect(right, id).toBeLessThanOrEqual(390);
		expect(overflow, id).toBeLessThanOrEqual(0);
	}
	await page.setViewportSize(size);
	await page.emulateMedia({ colorScheme: 'light' });
	return found;
}

test('a private run on CPS 1985 wages spends the ε the accountant showed, then a fairness audit and an attack curve of it', async ({ page }) => {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	const found: string[] = [];
	await createProject(page, 'Wages');
	await loadDemo(page, 'cps-wages-1985', 534);
	await openTrust(page);

	// The accountant's figures before anything trains, updated as the settings change.
	await page.getByTestId('dp-model').selectOption('linear');
	await page.getByTestId('dp-epochs').fill('4');
	await expect(page.getByTestId('dp-plan')).toContainText('About 342 training rows');
	const plannedText = (await page.getByTestId('dp-planned-epsilon').textContent())!;
	const planned = Number(plannedText.replace('ε = ', ''));
	expect(planned).toBeGreaterThan(0);
	await page.getByTestId('dp-sigma').fill('2');
	await expect(page.getByTestId('dp-planned-epsilon')).not.toHaveText(plannedText);
	const lessNoise = Number((await page.getByTestId('dp-planned-epsilon').textContent())!.replace('ε = ', ''));
	expect(lessNoise).toBeLessThan(planned);
	found.push(...(await auditThemes(page, 'trust section, private training planned')));

	await page.getByTestId('dp-train-button').click();
	await waitForJob(page);
	await expect(page.getByTestId('live-epsilon')).toContainText('ε =');
	const spentText = (await page.getByTestId('live-epsilon').locator('strong').textContent())!;
	const spent = Number(spentText.replace('ε = ', ''));
	// The worker counts the exact training rows the split keeps; the page estimated them.
	expect(Math.abs(spent - lessNoise) / lessNoise).toBeLessThan(0.05);
	await expect(page.getByText(/Epoch 4: ε = /)).toBeVisible();
	found.push(...(await audit(page, 'trust section, private run done')));

	// Runs shows the guarantee with the run.
	await page.getByTestId('section-runs').click();
	await expect(page.getByTestId('run-epsilon')).toHaveText(`private ${spentText}`);

	// Fairness audit of that run, by gender (chosen by default) and race.
	await openTrust(page);
	await page.getByTestId('sensitive-race').check();
	await page.getByTestId('fairness-button').click();
	await expect(page.getByTestId('audit-job').first()).toHaveAttribute('data-status', 'done', { timeout: 300_000 });
	const result = page.getByTestId('fairness-result');
	await expect(result).toBeVisible();
	await expect(result.getByRole('heading', { name: 'By gender', exact: true })).toBeVisible();
	await expect(result.getByRole('heading', { name: 'By gender × race' })).toBeVisible();
	const genderTable = page.getByTestId('fairness-table').first();
	await expect(genderTable.getByRole('rowheader', { name: 'female', exact: true })).toBeVisible();
	await expect(genderTable.getByRole('rowheader', { name: 'male', exact: true })).toBeVisible();
	const gap = Number(await page.getByTestId('dp-difference').first().textContent());
	expect(gap).toBeGreaterThanOrEqual(0);
	expect(gap).toBeLessThanOrEqual(1);
	await expect(page.getByTestId('selection-bars').first().getByRole('listitem')).toHaveCount(2);
	found.push(...(await auditThemes(page, 'fairness audit result')));

	// FGSM: accuracy at ε = 0 is the clean accuracy, and it does not rise with ε.
	await page.getByLabel('Attack', { exact: true }).selectOption('fgsm');
	await page.getByTestId('robustness-epsilons').fill('0.1, 0.5, 1');
	await page.getByTestId('robustness-button').click();
	await expect(page.getByTestId('robustness-result')).toBeVisible({ timeout: 300_000 });
	const summary = (await page.getByTestId('robustness-plot').getByRole('img').getAttribute('aria-label'))!;
	const accuracies = [...summary.matchAll(/: ([\d.]+) %/g)].map((m) => Number(m[1]));
	expect(accuracies).toHaveLength(4);
	expect(accuracies.at(-1)!).toBeLessThan(accuracies[0]);
	found.push(...(await audit(page, 'robustness curve')));

	// The label check lists training rows for review, by their row numbers.
	await page.getByTestId('label-check-button').click();
	await expect(page.getByTestId('label-check-summary')).toContainText('training rows listed', { timeout: 300_000 });
	await expect(page.getByTestId('label-check-summary')).toContainText(/of \d+ training rows/);
	found.push(...(await audit(page, 'label check')));

	// A reweighed run with the same settings, as a mitigation to audit next.
	await page.getByTestId('reweigh-button').click();
	await expect(page.getByTestId('reweigh-status')).toContainText('Run done.', { timeout: 300_000 });
	await page.getByTestId('section-runs').click();
	await expect(page.getByTestId('run-variant')).toHaveText('reweighed');
	await openTrust(page);

	// Kept with the run: a reload shows both results again.
	await page.reload();
	await expect(page.getByTestId('fairness-result')).toBeVisible();
	await expect(page.getByTestId('robustness-result')).toBeVisible();

	// The audited run's model card lists the second column's and the intersectional groups with their metrics.
	await page.getByTestId('section-ship').click();
	const picker = page.getByTestId('ship-run');
	// The private run and the reweighed one.
	await expect(picker.locator('option')).toHaveCount(2);
	const values = await picker.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
	const audited: string[] = [];
	for (const value of values) {
		await picker.selectOption(value);
		await page.getByTestId('make-card').click();
		await expect(page.getByTestId('card-preview')).toContainText('## Fairness');
		const text = (await page.getByTestId('card-preview').textContent())!;
		if (!text.includes('No fairness audit was run')) audited.push(text);
	}
	expect(audited).toHaveLength(1);
	expect(audited[0]).toContain('Metrics by "race" (one row per group');
	expect(audited[0]).toContain('Metrics by "gender × race" (one row per group');
	expect(audited[0]).toMatch(/\| Group \| count \| selection rate \| true positive rate \| false positive rate \| precision \| error rate \|/);
	expect(audited[0]).toMatch(/\| female · white \| \d+ \|/);
	found.push(...(await audit(page, 'model card with intersectional fairness tables')));
	expect(found).toEqual([]);
	expect(errors).toEqual([]);
});

test('a locked project is unreadable until its passphrase unlocks it, across a reload; delete everything empties Kiln', async () => {
	const context = await launchPersistent(newProfileDir());
	const page = await context.newPage();
	const found: string[] = [];
	await createProject(page, 'Secret irises');
	await loadDemo(page, 'iris', 150);
	await openTrust(page);
	await page.getByTestId('lock-passphrase').fill('correct horse battery');
	await page.getByTestId('lock-passphrase-again').fill('correct horse');
	await page.getByTestId('lock-button').click();
	await expect(page.getByRole('alert').filter({ hasText: 'The two passphrases differ.' })).toBeVisible();
	await page.getByTestId('lock-passphrase-again').fill('correct horse battery');
	await page.getByTestId('lock-button').click();
	await expect(page.getByTestId('lock-gate')).toBeVisible({ timeout: 120_000 });
	found.push(...(await auditThemes(page, 'locked project')));

	// What IndexedDB holds now: the dataset's name and columns are gone from its record.
	const stored = await page.evaluate(
		() =>
			new Promise<string>((resolve, reject) => {
				const open = indexedDB.open('kiln');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const get = open.result.transaction('datasets').objectStore('datasets').getAll();
					get.onsuccess = () => {
						resolve(JSON.stringify(get.result.map((d: Record<string, unknown>) => Object.keys(d).sort())));
						open.result.close();
					};
				};
			})
	);
	expect(stored).toBe(JSON.stringify([['id', 'projectId', 'sealed']]));

	await page.reload();
	await expect(page.getByTestId('lock-gate')).toBeVisible();
	await page.getByTestId('unlock-passphrase').fill('wrong horse battery');
	await page.getByTestId('unlock-button').click();
	await expect(page.getByTestId('lock-gate').getByRole('alert')).toBeVisible({ timeout: 120_000 });
	found.push(...(await audit(page, 'wrong passphrase')));
	await page.getByTestId('unlock-passphrase').fill('correct horse battery');
	await page.getByTestId('unlock-button').click();
	await expect(page.getByTestId('lock-gate')).toBeHidden({ timeout: 120_000 });
	await page.getByTestId('section-data').click();
	await expect(page.getByTestId('dataset-summary')).toContainText('150 rows');

	await page.goto('/settings/');
	await expect(page.getByTestId('privacy-note')).toBeVisible();
	await expect(page.getByTestId('wipe-button')).toBeDisabled();
	await page.getByTestId('wipe-confirm').fill('delete');
	found.push(...(await auditThemes(page, 'settings, delete everything', ['wipe-form', 'privacy-note'])));
	await page.getByTestId('wipe-button').click();
	await expect(page.getByTestId('wipe-done')).toContainText('kiln');
	await page.goto('/');
	await expect(page.getByRole('link', { name: 'Secret irises' })).toHaveCount(0);
	expect(found).toEqual([]);
	await context.close();
});
