import { expect, test } from '@playwright/test';
import { createProject, loadDemo } from './browser';

// The same bytes wasm-feature-detect uses to ask whether this browser has WebAssembly SIMD.
const SIMD_PROBE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11];

test('settings list measured backends, switch the active one, and show storage', async ({ page }) => {
	await page.goto('/settings/');
	const table = page.getByTestId('backend-table');
	await expect(table).toBeVisible({ timeout: 120_000 });
	for (const name of ['wasm', 'cpu']) {
		const row = table.locator(`tr[data-backend="${name}"]`);
		await expect(row).toContainText('available');
		await expect(row).toContainText(/\d+\.\d\d GFLOP\/s/);
	}
	// What the page reports must be what this browser really offers, whatever the machine.
	const simd = await page.evaluate((bytes) => WebAssembly.validate(new Uint8Array(bytes)), SIMD_PROBE);
	const isolated = await page.evaluate(() => self.crossOriginIsolated);
	await expect(page.getByTestId('wasm-features')).toContainText(`WebAssembly SIMD: ${simd ? 'yes' : 'no'}`);
	await expect(page.getByTestId('wasm-features')).toContainText(`WebAssembly threads: ${isolated ? 'yes' : 'no'}`);
	const cores = await page.evaluate(() => navigator.hardwareConcurrency);
	await expect(page.getByTestId('gemm-threads')).toContainText(isolated && cores >= 2 ? 'on 2 threads' : 'on 1 thread');
	await expect(page.getByTestId('active-backend')).toHaveText(/^(wasm|webgl|webgpu|cpu)$/);

	await page.getByTestId('backend-cpu').check();
	await expect(page.getByTestId('active-backend')).toHaveText('cpu');
	await page.reload();
	await expect(page.getByTestId('backend-cpu')).toBeChecked();
	await expect(page.getByTestId('active-backend')).toHaveText('cpu');
	await expect(page.getByTestId('storage-usage')).toContainText(/Kiln uses [\d.]+ [MG]B of the [\d.]+ [MG]B/);

	// With a project stored, the page says what it takes.
	await createProject(page, 'Stored iris');
	await loadDemo(page, 'iris', 150);
	await page.goto('/settings/');
	await expect(page.getByTestId('storage-by-project').locator('tbody tr')).toHaveText([/Stored iris\s*[\d.]+ (bytes|KB)\s*—\s*—\s*[\d.]+ (bytes|KB)/]);
});
