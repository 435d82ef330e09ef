import { expect, test } from '@playwright/test';

test('settings list measured backends, switch the active one, and show storage', async ({ page }) => {
	await page.goto('/settings/');
	const table = page.getByTestId('backend-table');
	await expect(table).toBeVisible({ timeout: 120_000 });
	for (const name of ['wasm', 'cpu']) {
		const row = table.locator(`tr[data-backend="${name}"]`);
		await expect(row).toContainText('available');
		await expect(row).toContainText(/\d+\.\d\d GFLOP\/s/);
	}
	await expect(page.getByTestId('wasm-features')).toContainText('WebAssembly SIMD: yes');
	// vite preview sends COOP/COEP, so the page is cross-origin isolated and threads are on.
	await expect(page.getByTestId('wasm-features')).toContainText('WebAssembly threads: yes');
	await expect(page.getByTestId('active-backend')).toHaveText('wasm');

	await page.getByTestId('backend-cpu').check();
	await expect(page.getByTestId('active-backend')).toHaveText('cpu');
	await page.reload();
	await expect(page.getByTestId('backend-cpu')).toBeChecked();
	await expect(page.getByTestId('active-backend')).toHaveText('cpu');
	await expect(page.getByTestId('storage-usage')).toContainText(/Kiln uses [\d.]+ MB of the [\d.]+ MB/);
});
