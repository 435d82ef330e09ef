// A tiny fake DOM for running the standalone page's script in node:vm (Node-only test support).
import { runInNewContext } from 'node:vm';
import type { DemoApi } from './page-app';

type Listener = (event: { preventDefault(): void }) => void;

export class FakeElement {
	children: (FakeElement | string)[] = [];
	attributes = new Map<string, string>();
	value = '';
	private listeners = new Map<string, Listener[]>();
	constructor(readonly tagName: string) {}
	get textContent(): string {
		return this.children.map((c) => (typeof c === 'string' ? c : c.textContent)).join('');
	}
	set textContent(text: string | null) {
		this.children = text ? [String(text)] : [];
	}
	appendChild(child: FakeElement): FakeElement {
		this.children.push(child);
		return child;
	}
	setAttribute(name: string, value: string): void {
		this.attributes.set(name, String(value));
	}
	addEventListener(type: string, listener: Listener): void {
		this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
	}
	dispatch(type: string): boolean {
		let prevented = false;
		for (const l of this.listeners.get(type) ?? []) l({ preventDefault: () => (prevented = true) });
		return prevented;
	}
	*walk(): Generator<FakeElement> {
		yield this;
		for (const c of this.children) if (typeof c !== 'string') yield* c.walk();
	}
	find(test: (e: FakeElement) => boolean): FakeElement | undefined {
		for (const e of this.walk()) if (test(e)) return e;
		return undefined;
	}
}

export class FakeDocument {
	title = '';
	readonly app = new FakeElement('main');
	readonly data = new FakeElement('script');
	constructor(dataText: string) {
		this.app.setAttribute('id', 'app');
		this.data.textContent = dataText;
	}
	createElement(tag: string): FakeElement {
		return new FakeElement(tag);
	}
	getElementById(id: string): FakeElement | null {
		if (id === 'kiln-data') return this.data;
		if (id === 'app') return this.app;
		return this.app.find((e) => e.attributes.get('id') === id) ?? null;
	}
}

export interface ParsedPage {
	csp: string;
	style: string;
	dataText: string;
	script: string;
	scriptTags: number;
}

export function parsePage(html: string): ParsedPage {
	const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
	const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
	const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
	const data = scripts.find((s) => s[1].includes('application/json'));
	const code = scripts.find((s) => s[1].trim() === '');
	return { csp, style, dataText: data?.[2] ?? '', script: code?.[2] ?? '', scriptTags: (html.match(/<script/gi) ?? []).length };
}

/** Run the page's script against the fake DOM; only the document and window exist, no network API. */
export function runPage(page: ParsedPage): { doc: FakeDocument; api: DemoApi } {
	const doc = new FakeDocument(page.dataText);
	const window: { kilnDemo?: DemoApi } = {};
	runInNewContext(page.script, { document: doc, window }, { timeout: 5000 });
	return { doc, api: window.kilnDemo! };
}
