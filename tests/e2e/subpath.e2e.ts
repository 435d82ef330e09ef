import { expect, test } from '@playwright/test';
import { openSection, trainAndOpenRun } from './browser';
import { staticHost } from './static-host';

const PREFIX = '/some/sub/path';

// This journey tests the service worker, which the config blocks elsewhere.
test.use({ serviceWorkers: 'allow' });

test('the same build works from a sub-path on a host without isolation headers', async ({ page }) => {
	const host = await staticHost(PREFIX);
	const base = host.base;
	try {
		await page.goto(`${base}/`);
		// The first visit is not controlled by the service worker: no isolation, one thread.
		await page.getByRole('link', { name: 'Settings' }).click();
		await expect(page).toHaveURL(`${base}/settings/`);
		await expect(page.getByTestId('wasm-features')).toContainText('WebAssembly threads: no', { timeout: 120_000 });
		await expect(page.getByTestId('wasm-features')).toContainText('not cross-origin isolated');
		await expect(page.getByTestId('backend-table').locator('tr[data-backend="wasm"]')).toContainText('available');

		await page.getByRole('link', { name: 'Projects' }).click();
		await page.getByLabel('Project name').fill('Sub-path');
		await page.getByRole('button', { name: 'Create project' }).click();
		await expect(page).toHaveURL(new RegExp(`${PREFIX}/project/data/\\?id=`));
		await page.getByTestId('demo-wine').click();
		await expect(page.getByTestId('dataset-summary')).toContainText('178 rows');
		await openSection(page, 'train');
		await page.getByTestId('epochs-input').fill('5');
		await trainAndOpenRun(page);
		// Reload keeps the place under the sub-path too; by now the service worker (scoped to the
		// sub-path) serves the pages with COOP/COEP, so the host's missing headers no longer matter.
		await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
		await page.reload();
		await expect(page.getByTestId('run-report')).toBeVisible();
		expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

		await page.getByRole('link', { name: 'Settings' }).click();
		await expect(page.getByTestId('wasm-features')).toContainText('WebAssembly threads: yes', { timeout: 120_000 });
		await expect(page.getByTestId('wasm-features')).not.toContainText('not cross-origin isolated');
	} finally {
		host.stop();
	}
});
