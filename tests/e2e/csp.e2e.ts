import { expect, test } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createProject, loadDemo, openSection, trainAndOpenRun } from './browser';

test('the Content-Security-Policy allows the studio and blocks injected script and other origins', async ({ page, request }) => {
	// Record every violation the browser reports, from the first script on.
	await page.addInitScript(() => {
		const seen: string[] = [];
		(window as unknown as { cspViolations: string[] }).cspViolations = seen;
		document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
	});
	const violations = () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);

	// A whole small journey (import, train on wasm in a worker, predict) breaks no rule.
	await createProject(page, 'Policy');
	await loadDemo(page, 'iris', 150);
	await openSection(page, 'train');
	await page.getByTestId('epochs-input').fill('5');
	await trainAndOpenRun(page);
	await openSection(page, 'predict');
	await page.getByTestId('predict-button').click();
	await expect(page.getByTestId('single-prediction')).toBeVisible();
	expect(await violations()).toEqual([]);

	// An injected inline script does not run.
	const ran = await page.evaluate(async () => {
		const script = document.createElement('script');
		script.textContent = '(window as any).injected = true;'.replace(' as any', '');
		document.body.append(script);
		await new Promise((r) => setTimeout(r, 200));
		return (window as unknown as { injected?: boolean }).injected === true;
	});
	expect(ran).toBe(false);
	// Nor does a request to another origin, from the page or from a worker.
	const fromPage = await page.evaluate(() => fetch('http://127.0.0.2:9/steal').then(() => 'sent', () => 'blocked'));
	expect(fromPage).toBe('blocked');
	await expect.poll(violations).toEqual(expect.arrayContaining([expect.stringMatching(/^script-src-elem inline/), expect.stringMatching(/^connect-src http:\/\/127\.0\.0\.2:9/)]));

	// Worker scripts carry the same policy in their own response (a page's <meta> does not reach them).
	const workers = readdirSync(join(process.cwd(), 'build', '_app', 'immutable', 'workers')).filter((f) => f.endsWith('.js'));
	expect(workers.length).toBeGreaterThan(0);
	const response = await request.get(`/_app/immutable/workers/${workers[0]}`);
	expect(response.headers()['content-security-policy']).toContain("connect-src 'self'");
	expect(response.headers()['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
});
