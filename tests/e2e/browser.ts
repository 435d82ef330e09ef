import { chromium, expect, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Chosen free by playwright.config.ts, so a stray server on a fixed port is never tested. */
export const PORT = Number(process.env.KILN_E2E_PORT ?? 4173);
export const ORIGIN = `http://127.0.0.1:${PORT}`;
/** Debian's chromium; Playwright cannot download its own browser here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Flags checked on this machine kind (see docs/toolchain.md); no network besides loopback. */
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

/** Blocked outside the journeys that test the service worker (see playwright.config.ts). */
export const SERVICE_WORKERS = 'block' as const;

export function newProfileDir(): string {
	return mkdtempSync(join(tmpdir(), 'kiln-profile-'));
}

/** A browser with a profile on disk, so IndexedDB survives closing and reopening it. */
export function launchPersistent(dir: string): Promise<BrowserContext> {
	return chromium.launchPersistentContext(dir, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, baseURL: ORIGIN, headless: true, serviceWorkers: SERVICE_WORKERS });
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

export async function openSection(page: Page, section: 'data' | 'prepare' | 'train' | 'runs' | 'tune' | 'predict'): Promise<void> {
	await page.getByTestId(`section-${section}`).click();
	await expect(page.getByTestId(`section-${section}`)).toHaveAttribute('aria-current', 'page');
}

/**
 * Wait for the newest training job to end, watching its progress rather than a fixed time
 * budget: as long as batches keep coming, a busy machine only makes the wait longer. It fails
 * when nothing moved for two minutes.
 */
export async function waitForJob(page: Page, status: 'done' | 'failed' | 'cancelled' | 'diverged' = 'done'): Promise<void> {
	const job = page.getByTestId('train-job').first();
	await job.waitFor();
	let last = '';
	let since = Date.now();
	for (;;) {
		const state = await job.evaluate((el) => `${el.getAttribute('data-status')}|${el.querySelector('progress')?.getAttribute('value') ?? ''}|${el.querySelector('.progress span')?.textContent ?? ''}`);
		const current = state.split('|')[0];
		if (current !== 'queued' && current !== 'running') {
			expect(current, await job.innerText()).toBe(status);
			return;
		}
		if (state !== last) {
			last = state;
			since = Date.now();
		} else if (Date.now() - since > 120_000) {
			throw new Error(`The training job made no progress for 2 minutes: ${state}`);
		}
		await page.waitForTimeout(300);
	}
}

/**
 * Store the compute backend as Settings would, read at the next job or load. Settings would probe
 * every backend first (seconds of software-GPU start-up here); `auto`'s probe is the webcam
 * journey's to test, so journeys about something else pick their backend directly.
 */
export async function storeBackendSetting(page: Page, backend: 'wasm' | 'webgpu'): Promise<void> {
	await page.evaluate(
		(value) =>
			new Promise<void>((resolve, reject) => {
				const open = indexedDB.open('kiln');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const tx = open.result.transaction('settings', 'readwrite');
					tx.objectStore('settings').put({ key: 'backend', value });
					tx.oncomplete = () => (open.result.close(), resolve());
					tx.onerror = () => reject(tx.error);
				};
			}),
		backend
	);
}

/** Train with the form as it is, wait for the job, and open the finished run's report. */
export async function trainAndOpenRun(page: Page): Promise<void> {
	await page.getByTestId('train-button').click();
	await waitForJob(page);
	await page.getByTestId('open-run').first().click();
	await expect(page.getByTestId('run-report')).toBeVisible();
}

/** Types one clear virginica flower into the Predict form and asks for its prediction. */
export async function predictIrisRow(page: Page): Promise<Locator> {
	const form = page.getByTestId('predict-form');
	await form.getByLabel('sepal_length').fill('6.7');
	await form.getByLabel('sepal_width').fill('3.0');
	await form.getByLabel('petal_length').fill('5.2');
	await form.getByLabel('petal_width').fill('2.3');
	await page.getByTestId('predict-button').click();
	return form;
}

/** Wait for the Ship section's compression job to end, as long as its progress keeps moving (never a fixed sleep). */
export async function waitForCompression(p: Page): Promise<void> {
	const job = p.getByTestId('compress-job');
	await job.waitFor({ state: 'attached' });
	let last = '';
	let since = Date.now();
	for (;;) {
		const state = await job.evaluate((el) => `${el.getAttribute('data-status')}|${el.querySelector('progress')?.getAttribute('value') ?? ''}|${el.textContent}`);
		const status = state.split('|')[0];
		if (status !== 'queued' && status !== 'running') {
			expect(status, state).toBe('done');
			return;
		}
		if (state !== last) [last, since] = [state, Date.now()];
		else if (Date.now() - since > 120_000) throw new Error(`The compression job made no progress for 2 minutes: ${state}`);
		await p.waitForTimeout(300);
	}
}
