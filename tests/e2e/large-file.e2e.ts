import { expect, test } from '@playwright/test';
import { createProject, openSection, trainAndOpenRun } from './browser';

test('a 300,000-row file imports with a progress bar, is stored in chunks and trains', async ({ page }) => {
	const rows = ['x1,x2,group,y'];
	for (let i = 0; i < 300_000; i++) {
		const x1 = (i % 1000) / 100;
		const x2 = ((i * 7) % 500) / 50;
		rows.push(`${x1},${x2},${['a', 'b', 'c'][i % 3]},${(2 * x1 - x2 + (i % 3)).toFixed(3)}`);
	}
	await createProject(page, 'Large file');
	await page.getByTestId('csv-input').setInputFiles({ name: 'large.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
	await expect(page.getByTestId('import-detected')).toContainText(/About (29\d|30\d),\d{3} rows/);
	// The progress bar and Cancel are recorded as they appear: on a fast machine the import can end
	// before a poll for them would look (as the cancelled-import journey's once did).
	await page.evaluate(() => {
		const seen: Record<string, boolean> = { progress: false, cancel: false };
		(window as unknown as { kilnSeen: Record<string, boolean> }).kilnSeen = seen;
		const look = () => {
			seen.progress ||= !!document.querySelector('progress[aria-label^="Reading large.csv"]');
			seen.cancel ||= !!document.querySelector('[data-testid="cancel-import"]');
		};
		new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true });
	});
	await page.getByTestId('import-button').click();
	await expect(page.getByTestId('dataset-summary')).toContainText('300,000 rows · 4 columns · 3 numeric, 1 categorical');
	expect(await page.evaluate(() => (window as unknown as { kilnSeen: Record<string, boolean> }).kilnSeen)).toEqual({ progress: true, cancel: true });
	await expect(page.getByTestId('dataset-summary')).toContainText('in 5 chunks');
	await expect(page.getByTestId('task-select')).toHaveValue('regression');
	// Only the rows in view are drawn, and further rows are read as they scroll in.
	expect(await page.getByTestId('data-table').getByRole('row').count()).toBeLessThan(40);
	await page.getByTestId('data-table').getByRole('region').evaluate((el) => (el.scrollTop = 30 * 250_000));
	// Row 250,001 of the file (aria-rowindex counts the header row too): x1 0, x2 0, group b.
	await expect(page.getByTestId('data-table').locator('[aria-rowindex="250002"]')).toContainText('b');
	await openSection(page, 'train');
	await page.getByTestId('model-select').selectOption('linear');
	await page.getByTestId('epochs-input').fill('2');
	await page.getByTestId('patience-input').fill('0');
	await trainAndOpenRun(page);
	expect(Number(await page.getByTestId('metric-r2').textContent())).toBeGreaterThan(0.99);

	await page.reload();
	await openSection(page, 'data');
	await expect(page.getByTestId('dataset-summary')).toContainText('300,000 rows');
});
