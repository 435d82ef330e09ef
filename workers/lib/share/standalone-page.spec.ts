import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeModel } from './convert';
import { parsePage, runPage } from './fake-dom.spec-support';
import { createSharePredictor } from './runtime-share';
import { makeSharePayload } from './share-link';
import { buildStandalonePage } from './standalone-page';
import { trainBriefly, useCpu } from './share.spec-support';
import type { SharePayload } from './types';

beforeAll(useCpu);

const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('standalone demo page', () => {
	it.each([
		['iris.csv', 'species', 'int8'],
		['penguins.csv', 'species', 'float32'],
		['breast-cancer.csv', 'diagnosis', 'int8']
	] as const)('%s (%s, %s weights): the embedded runtime predicts every row exactly like the library', async (file, target, weights) => {
		const trained = await trainBriefly(file, target);
		const payload: SharePayload = {
			...makeSharePayload(trained.result.model, trained.prep, { title: `${file} demo`, description: 'A briefly trained model.', examples: trained.rows.slice(0, 2) }),
			model: describeModel(trained.result.model, weights)
		};
		const page = buildStandalonePage(payload);
		const parsed = parsePage(page.html);
		expect(parsed.scriptTags).toBe(2);
		const { api, doc } = runPage(parsed);
		const library = createSharePredictor(payload);
		for (const row of trained.rows) expect(JSON.stringify(api.predict(row))).toBe(JSON.stringify(library.predict(row)));
		// The UI path: an example button fills the form and shows the library's answer.
		const example = doc.app.find((e) => e.tagName === 'button' && e.textContent === 'Example 2')!;
		example.dispatch('click');
		expect(doc.getElementById('kiln-answer')!.textContent).toBe(library.predict(trained.rows[1]).label);
		expect(doc.app.find((e) => e.tagName === 'meter')).toBeDefined();
		console.log(`${file} standalone page (${weights}): ${page.bytes.toLocaleString('en-US')} bytes`);
	});
});

describe('page safety', () => {
	let payload: SharePayload;
	const evil = '</script><img src=x onerror=alert(1)><script>alert(2)</script>';
	beforeAll(async () => {
		const trained = await trainBriefly('iris.csv', 'species', { epochs: 2 });
		payload = makeSharePayload(trained.result.model, trained.prep, { title: evil, description: `${evil}\nsecond line`, examples: [{ ...trained.rows[0], sepal_length: evil }], labelNames: [evil, '<b>bold</b>', '&amp;'] });
	});

	it('allows exactly its own inline script and style through a hash-based CSP with no network', () => {
		const { html } = buildStandalonePage(payload);
		const parsed = parsePage(html);
		expect(parsed.csp).toContain("default-src 'none'");
		expect(parsed.csp).toContain(`script-src ${hashOf(parsed.script)};`);
		expect(parsed.csp).toContain(`style-src ${hashOf(parsed.style)};`);
		expect(parsed.csp).not.toMatch(/unsafe|https?:|\*/);
		// Markup outside the title text and the script bodies: no element loads or links anything.
		const skeleton = html.replace(/<title>[\s\S]*?<\/title>/, '').replace(/(<script[^>]*>)[\s\S]*?<\/script>/g, '$1</script>');
		expect(skeleton).not.toMatch(/\s(src|href|action)\s*=|https?:\/\//i);
		expect(parsed.script).not.toMatch(/fetch|XMLHttpRequest|WebSocket|import\(|eval\(|new Function|innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
		expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
	});

	it('renders hostile titles, labels and cells as text, never as markup', () => {
		const { html } = buildStandalonePage(payload);
		const parsed = parsePage(html);
		expect(parsed.scriptTags).toBe(2);
		expect(html).not.toContain('<img');
		expect(html).toContain('<title>&lt;/script&gt;&lt;img src=x');
		const { doc, api } = runPage(parsed);
		expect(doc.title).toBe(evil);
		expect(doc.app.find((e) => e.tagName === 'h1')!.textContent).toBe(evil);
		// The example put markup into a numeric field: the page reports it as text in an alert.
		doc.app.find((e) => e.tagName === 'button' && e.textContent === 'Example 1')!.dispatch('click');
		const alert = doc.app.find((e) => e.attributes.get('role') === 'alert')!;
		expect(alert.textContent).toContain('"sepal_length" must be a finite number');
		expect(alert.children.every((c) => typeof c === 'string')).toBe(true);
		api.fill({ sepal_length: '5.1', sepal_width: '3.5', petal_length: '1.4', petal_width: '0.2' });
		const shown = api.run()!;
		const names = doc.app.find((e) => e.attributes.get('class') === 'probabilities')!;
		expect(names.textContent).toContain(evil);
		expect(shown.probabilities!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
		// No element the page made came from a string: every node was created by tag name.
		const tags = new Set([...doc.app.walk()].map((e) => e.tagName));
		expect([...tags].every((t) => ['main', 'h1', 'p', 'form', 'div', 'label', 'input', 'select', 'option', 'button', 'section', 'footer', 'h2', 'ul', 'li', 'span', 'meter'].includes(t))).toBe(true);
	});
});

describe('page generation errors', () => {
	it('refuses a payload its runtime could not run, as an ExportError', () => {
		const payload: SharePayload = {
			formatVersion: 1,
			preprocessing: { features: [{ name: 'x', kind: 'numeric', mean: 0, std: 1 }], inputSize: 1, target: { name: 'y', task: 'classification', classes: ['a', 'b'] } },
			model: { inputSize: 1, outputSize: 3, layers: [{ type: 'dense', inputs: 1, units: 3, activation: 'linear', kernel: { dtype: 'float32', values: new Float32Array(3) } }] },
			demo: { title: 't', description: '', examples: [] }
		};
		expect(() => buildStandalonePage(payload)).toThrow(/The demo page was not written: model.outputSize must be at most 2/);
	});
});
