import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PORT = 4173;
export const ORIGIN = `http://127.0.0.1:${PORT}`;
/** Debian's chromium; Playwright cannot download its own browser here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Flags checked on this machine kind (see shared TOOLCHAIN.md); no network besides loopback. */
export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--enable-unsafe-webgpu',
	'--enable-unsafe-swiftshader'
];

export function newProfileDir(): string {
	return mkdtempSync(join(tmpdir(), 'kiln-profile-'));
}

/** A browser with a profile on disk, so IndexedDB survives closing and reopening it. */
export function launchPersistent(dir: string): Promise<BrowserContext> {
	return chromium.launchPersistentContext(dir, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, baseURL: ORIGIN, headless: true });
}

/** Collects every request that does not go to our own origin. */
export function watchForeignRequests(context: BrowserContext): string[] {
	const foreign: string[] = [];
	context.on('request', (request) => {
		const url = request.url();
		if (!url.startsWith(ORIGIN) && !url.startsWith('blob:') && !url.startsWith('data:')) foreign.push(url);
	});
	return foreign;
}

export async function createProject(page: Page, name: string): Promise<void> {
	await page.goto('/');
	await page.getByLabel('Project name').fill(name);
	await page.getByRole('button', { name: 'Create project' }).click();
	await page.getByRole('heading', { level: 1, name }).waitFor();
}

export async function loadDemo(page: Page, id: string, rows: number): Promise<void> {
	await page.getByTestId(`demo-${id}`).click();
	await page.getByTestId('dataset-summary').filter({ hasText: `${rows.toLocaleString('en-US')} rows` }).waitFor();
}
