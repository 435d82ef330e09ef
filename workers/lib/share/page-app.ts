import type { Preprocessing } from '$workers/protocol';
import type { KilnShareRuntime, PortableShareModel } from './runtime-share';
import type { DemoConfig, RowPrediction, SharePipeline } from './types';

/** The few DOM features the demo page uses, so this file needs no DOM typings. */
export interface DemoNode {
	textContent: string | null;
	value: string;
	appendChild(child: DemoNode): unknown;
	setAttribute(name: string, value: string): void;
	addEventListener(type: string, listener: (event: { preventDefault(): void }) => void): void;
}
export interface DemoDocument {
	createElement(tag: string): DemoNode;
	getElementById(id: string): DemoNode | null;
	title: string;
}

/** What the page embeds as JSON beside its script. */
export interface DemoData {
	model: PortableShareModel;
	preprocessing: Preprocessing;
	demo: DemoConfig;
	/** Format 2: the fitted Prepare steps a raw row goes through first. */
	pipeline?: SharePipeline;
}

export interface DemoApi {
	predict(row: Record<string, string>): RowPrediction;
	fill(row: Record<string, string>): void;
	/** Predict from the form as it stands and show the result. */
	run(): RowPrediction | null;
}

/**
 * The standalone page's UI. Embedded by `demoApp.toString()`, so it may use only its arguments.
 * Every string from the payload reaches the page through textContent or an attribute value,
 * never as markup.
 */
export function demoApp(rt: KilnShareRuntime, doc: DemoDocument, data: DemoData): DemoApi {
	const prep = data.preprocessing;
	const predictor = rt.createPredictor(rt.modelFromPortable(data.model), prep, data.pipeline);
	const target = prep.target;
	const classNames = target.task === 'classification' ? (data.demo.labelNames ?? target.classes) : [];
	const root = doc.getElementById('app')!;

	function el(tag: string, text?: string, attrs?: Record<string, string>): DemoNode {
		const node = doc.createElement(tag);
		if (text !== undefined) node.textContent = text;
		for (const key in attrs ?? {}) node.setAttribute(key, attrs![key]);
		return node;
	}
	function add(parent: DemoNode, child: DemoNode): DemoNode {
		parent.appendChild(child);
		return child;
	}

	const title = data.demo.title.trim() || 'Kiln model demo';
	doc.title = title;
	add(root, el('h1', title));
	if (data.demo.description.trim()) add(root, el('p', data.demo.description, { class: 'description' }));
	add(root, el('p', `Predicts “${target.name}” from ${prep.features.length} value${prep.features.length === 1 ? '' : 's'}. Everything runs inside this file; nothing is sent anywhere.`, { class: 'note' }));

	const form = add(root, el('form', undefined, { autocomplete: 'off' }));
	const inputs: DemoNode[] = prep.features.map((f, i) => {
		const field = add(form, el('div', undefined, { class: 'field' }));
		add(field, el('label', f.name, { for: `kiln-f${i}` }));
		if (f.kind === 'numeric') {
			return add(field, el('input', undefined, { id: `kiln-f${i}`, type: 'text', inputmode: 'decimal', placeholder: `e.g. ${Number(f.mean.toPrecision(4))}` }));
		}
		// A free-text column (TF-IDF, e-mail masking) has no list: a text box.
		if (f.categories.length === 0) return add(field, el('input', undefined, { id: `kiln-f${i}`, type: 'text' }));
		const select = add(field, el('select', undefined, { id: `kiln-f${i}` }));
		add(select, el('option', '(missing)', { value: '' }));
		f.categories.forEach((c) => add(select, el('option', c, { value: c })));
		return select;
	});
	const actions = add(form, el('div', undefined, { class: 'actions' }));
	add(actions, el('button', 'Predict', { type: 'submit' }));
	data.demo.examples.forEach((example, i) => {
		const button = add(actions, el('button', `Example ${i + 1}`, { type: 'button', class: 'secondary' }));
		button.addEventListener('click', () => {
			fill(example);
			run();
		});
	});
	const result = add(root, el('section', undefined, { 'aria-live': 'polite', id: 'kiln-result' }));
	add(root, el('footer', 'Made with Kiln. The model and its runtime are embedded in this page.'));

	function fill(row: Record<string, string>): void {
		prep.features.forEach((f, i) => {
			inputs[i].value = Object.prototype.hasOwnProperty.call(row, f.name) ? row[f.name] : '';
		});
	}

	function show(p: RowPrediction): void {
		result.textContent = '';
		add(result, el('h2', 'Prediction'));
		const shown = target.task === 'classification' ? classNames[target.classes.indexOf(p.label)] : Number(p.value!.toPrecision(6)).toString();
		add(result, el('p', shown, { class: 'answer', id: 'kiln-answer' }));
		if (p.probabilities) {
			const list = add(result, el('ul', undefined, { class: 'probabilities' }));
			const order = p.probabilities.map((_, c) => c).sort((a, b) => p.probabilities![b] - p.probabilities![a]);
			for (const c of order) {
				const item = add(list, el('li'));
				add(item, el('span', classNames[c], { class: 'name' }));
				add(item, el('meter', undefined, { min: '0', max: '1', value: String(p.probabilities[c]) }));
				add(item, el('span', `${(100 * p.probabilities[c]).toFixed(1)} %`, { class: 'percent' }));
			}
		}
		if (p.warnings.length > 0) {
			const warnings = add(result, el('ul', undefined, { class: 'warnings' }));
			p.warnings.forEach((w) => add(warnings, el('li', w)));
		}
	}

	function run(): RowPrediction | null {
		const row: Record<string, string> = {};
		prep.features.forEach((f, i) => Object.defineProperty(row, f.name, { value: inputs[i].value, enumerable: true }));
		try {
			const p = predictor.predict(row);
			show(p);
			return p;
		} catch (error) {
			result.textContent = '';
			add(result, el('p', error instanceof Error ? error.message : String(error), { class: 'error', role: 'alert' }));
			return null;
		}
	}

	form.addEventListener('submit', (event) => {
		event.preventDefault();
		run();
	});
	// Show a worked example straight away, so the page explains itself.
	if (data.demo.examples.length > 0) {
		fill(data.demo.examples[0]);
		run();
	}
	return { predict: (row) => predictor.predict(row), fill, run };
}
