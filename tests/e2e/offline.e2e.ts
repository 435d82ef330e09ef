import { expect, test } from '@playwright/test';
import { loadDemo, openSection, trainAndOpenRun } from './browser';
import { staticHost } from './static-host';

// After one visit the studio works with the network gone: the host is stopped (not only the
// browser told it is offline), so every byte must come from the service worker's cache. The
// host sends no COOP/COEP headers, so isolation after the reload comes from the worker too.
// This journey tests the service worker, which the config blocks elsewhere.
test.use({ serviceWorkers: 'allow' });

test('after one visit, the studio loads, trains, predicts and opens a share link offline', async ({ context, page }) => {
	const host = await staticHost('/offline');
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	try {
		await page.goto(`${host.base}/`);
		await page.evaluate(async () => {
			await navigator.serviceWorker.ready;
			// Installed means every listed file is in the cache; wait until it controls this page too.
			if (!navigator.serviceWorker.controller) await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
		});
		host.stop();
		await context.setOffline(true);
		await expect(fetch(`${host.base}/`)).rejects.toThrow();

		await page.reload();
		expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
		await page.getByLabel('Project name').fill('Offline iris');
		await page.getByRole('button', { name: 'Create project' }).click();
		await page.getByRole('heading', { level: 1, name: 'Offline iris' }).waitFor();
		await loadDemo(page, 'iris', 150);
		await openSection(page, 'train');
		await page.getByTestId('epochs-input').fill('10');
		await trainAndOpenRun(page);
		await expect(page.getByTestId('run-report')).toContainText('wasm');

		await openSection(page, 'predict');
		await page.getByTestId('predict-button').click();
		await expect(page.getByTestId('single-prediction')).toBeVisible();

		await page.getByTestId('section-ship').click();
		await page.getByTestId('create-link').click();
		const url = await page.getByTestId('share-url').inputValue();
		expect(url.startsWith(`${host.base}/share/#`)).toBe(true);
		const shared = await context.newPage();
		shared.on('pageerror', (e) => errors.push(e.message));
		await shared.goto(url);
		await expect(shared.getByTestId('shared-title')).toHaveText('Offline iris');
		await expect(shared.getByTestId('shared-label')).toHaveText(/setosa|versicolor|virginica/);
		expect(errors).toEqual([]);
	} finally {
		await context.setOffline(false);
		host.stop();
	}
});
