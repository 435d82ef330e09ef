import { expect, test } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { openSection, trainAndOpenRun } from './browser';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm', '.csv': 'text/csv', '.svg': 'image/svg+xml', '.md': 'text/markdown' };
const PREFIX = '/some/sub/path';

/** A plain static host: no COOP/COEP headers, the build copied under a sub-path, dir → index.html. */
function staticHost(): Promise<Server> {
	const root = join(process.cwd(), 'build');
	const server = createServer(async (req, res) => {
		const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
		if (!path.startsWith(`${PREFIX}/`)) return void res.writeHead(404).end();
		let file = normalize(join(root, path.slice(PREFIX.length)));
		if (file.endsWith('/')) file = join(file, 'index.html');
		try {
			const body = await readFile(file);
			res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
		} catch {
			res.writeHead(404).end();
		}
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('the same build works from a sub-path on a host without isolation headers', async ({ page }) => {
	const server = await staticHost();
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${PREFIX}`;
	try {
		await page.goto(`${base}/`);
		await page.getByLabel('Project name').fill('Sub-path');
		await page.getByRole('button', { name: 'Create project' }).click();
		await expect(page).toHaveURL(new RegExp(`${PREFIX}/project/data/\\?id=`));
		await page.getByTestId('demo-wine').click();
		await expect(page.getByTestId('dataset-summary')).toContainText('178 rows');
		await openSection(page, 'train');
		await page.getByTestId('epochs-input').fill('5');
		await trainAndOpenRun(page);
		// Reload keeps the place under the sub-path too.
		await page.reload();
		await expect(page.getByTestId('run-report')).toBeVisible();

		await page.getByRole('link', { name: 'Settings' }).click();
		await expect(page).toHaveURL(`${base}/settings/`);
		await expect(page.getByTestId('wasm-features')).toContainText('WebAssembly threads: no', { timeout: 120_000 });
		await expect(page.getByTestId('wasm-features')).toContainText('not cross-origin isolated');
		await expect(page.getByTestId('backend-table').locator('tr[data-backend="wasm"]')).toContainText('available');
	} finally {
		server.close();
	}
});
