import type { Preprocessing } from '$workers/protocol';
import type { KilnRuntime } from './runtime';
import type { KilnConvRuntime } from './runtime-conv';
import type { KilnTextRuntime } from './runtime-text';
import type { MediaFront } from './media-types';
import type { DemoConfig, ModelDescription, PortableModel } from './types';

/** One image or text prediction: every class's probability, best first in `top`. */
export interface MediaPrediction {
	label: string;
	probabilities: number[];
	top: { label: string; probability: number }[];
	warnings: string[];
	/** Text: the tokens read and how many were unknown to the vocabulary. */
	tokens?: string[];
	unknown?: number;
	/** Taggers: each token read with its most probable tag (as the studio's per-token Predict). */
	tags?: { token: string; tag: string; probability: number }[];
}

/**
 * Front + dense head → class probabilities. Embedded in the standalone page (`mediaPredictor.toString()`),
 * so it uses only its arguments.
 */
export function mediaPredictor(rt: KilnRuntime, conv: KilnConvRuntime, text: KilnTextRuntime, head: ModelDescription, prep: Preprocessing, front: MediaFront, labelNames?: string[]) {
	const predictor = rt.createPredictor(head, prep);
	const classes = prep.target.task === 'classification' ? prep.target.classes : [];
	const names = labelNames ?? classes;
	const image = front.kind === 'image' ? conv.createImageFeatures(front) : null;
	const words = front.kind === 'image' ? null : text.createTextFeatures(front);

	function finish(x: Float32Array, warnings: string[], extra: { tokens?: string[]; unknown?: number }): MediaPrediction {
		const out = predictor.outputs(x, 1);
		let max = -Infinity;
		for (let i = 0; i < out.length; i++) if (out[i] > max) max = out[i];
		const e = Array.from(out, (v) => Math.exp(v - max));
		const sum = e.reduce((a, b) => a + b, 0);
		const probabilities = e.map((v) => v / sum);
		const order = probabilities.map((_, i) => i).sort((a, b) => probabilities[b] - probabilities[a]);
		return { label: classes[order[0]], probabilities, top: order.slice(0, 5).map((i) => ({ label: names[i], probability: probabilities[i] })), warnings, ...extra };
	}

	return {
		kind: front.kind === 'image' ? ('image' as const) : ('text' as const),
		/** uint8 NHWC pixels of the model's size (Kiln's import decoding). */
		predictPixels(pixels: Uint8Array): MediaPrediction {
			if (!image) throw new Error('This model reads text, not images.');
			return finish(image(pixels), [], {});
		},
		predictText(value: string): MediaPrediction {
			if (!words) throw new Error('This model reads images, not text.');
			const r = words(value);
			if (r.rows === undefined) return finish(r.x, r.warnings, { tokens: r.tokens, unknown: r.unknown });
			// A tagger: the head tags every token read; the summary is each tag's share, as the studio shows.
			const out = predictor.outputs(r.x, r.rows);
			const k = classes.length;
			const best = Array.from({ length: r.rows }, (_, t) => {
				let at = 0;
				for (let j = 1; j < k; j++) if (out[t * k + j] > out[t * k + at]) at = j;
				return at;
			});
			const tags = best.map((at, t) => {
				let sum = 0;
				for (let j = 0; j < k; j++) sum += Math.exp(out[t * k + j] - out[t * k + at]);
				return { token: r.tokens![t], tag: names[at], probability: 1 / sum };
			});
			const probabilities = classes.map((_, i) => best.filter((at) => at === i).length / Math.max(1, best.length));
			const order = probabilities.map((_, i) => i).sort((a, b) => probabilities[b] - probabilities[a]);
			return { label: best.length > 0 ? classes[best[0]] : '', probabilities, top: order.slice(0, 5).map((i) => ({ label: names[i], probability: probabilities[i] })), warnings: r.warnings, tokens: r.tokens, unknown: r.unknown, tags };
		}
	};
}

/** What an image or text page embeds as JSON beside its script (tensors as base64 in `{ f32 }` / `{ i8 }`). */
export interface MediaDemoData {
	model: PortableModel;
	preprocessing: Preprocessing;
	demo: DemoConfig;
	front: unknown;
}

/** The page's DOM, loosely: the image path needs canvases and files the data-only fake DOM lacks. */
export interface MediaNode {
	textContent: string | null;
	value: string;
	files?: ArrayLike<Blob> | null;
	width?: number;
	height?: number;
	appendChild(child: MediaNode): unknown;
	setAttribute(name: string, value: string): void;
	addEventListener(type: string, listener: (event: { preventDefault(): void; dataTransfer?: { files: ArrayLike<Blob> } | null }) => void): void;
	getContext?(kind: string, options?: object): unknown;
}
export interface MediaDocument {
	createElement(tag: string): MediaNode;
	getElementById(id: string): MediaNode | null;
	title: string;
}
/** Browser image decoding, passed in so the page code refers to nothing global. */
export type DecodeImage = (file: Blob) => Promise<{ width: number; height: number; close?: () => void }>;

/**
 * The standalone page's UI for image and text models. Embedded by `mediaDemoApp.toString()`; uses
 * only its arguments. Text reaches the page through textContent and attribute values only.
 */
export function mediaDemoApp(rt: KilnRuntime, conv: KilnConvRuntime, text: KilnTextRuntime, predictorOf: typeof mediaPredictor, doc: MediaDocument, data: MediaDemoData, decode: DecodeImage | null) {
	function revive(value: unknown): unknown {
		if (Array.isArray(value)) return value.map(revive);
		if (typeof value !== 'object' || value === null) return value;
		const o = value as Record<string, unknown>;
		if (typeof o.f32 === 'string' && Object.keys(o).length === 1) {
			const bytes = rt.decodeBase64(o.f32);
			const view = new DataView(bytes.buffer);
			return Float32Array.from({ length: bytes.length >> 2 }, (_, i) => view.getFloat32(4 * i, true));
		}
		if (typeof o.i8 === 'string' && Object.keys(o).length === 1) return new Int8Array(rt.decodeBase64(o.i8).buffer);
		if (typeof o.i32 === 'string' && Object.keys(o).length === 1) {
			const bytes = rt.decodeBase64(o.i32);
			const view = new DataView(bytes.buffer);
			return Int32Array.from({ length: bytes.length >> 2 }, (_, i) => view.getInt32(4 * i, true));
		}
		const out: Record<string, unknown> = {};
		for (const key of Object.keys(o)) out[key] = revive(o[key]);
		return out;
	}
	const front = revive(data.front) as MediaFront;
	const prep = data.preprocessing;
	const p = predictorOf(rt, conv, text, rt.modelFromPortable(data.model), prep, front, data.demo.labelNames);
	const root = doc.getElementById('app')!;
	function el(tag: string, content?: string, attrs?: Record<string, string>): MediaNode {
		const node = doc.createElement(tag);
		if (content !== undefined) node.textContent = content;
		for (const key in attrs ?? {}) node.setAttribute(key, attrs![key]);
		return node;
	}
	function add(parent: MediaNode, child: MediaNode): MediaNode {
		parent.appendChild(child);
		return child;
	}
	const title = data.demo.title.trim() || 'Kiln model demo';
	doc.title = title;
	add(root, el('h1', title));
	if (data.demo.description.trim()) add(root, el('p', data.demo.description, { class: 'description' }));
	const image = front.kind === 'image' ? front : null;
	add(root, el('p', image ? `Classifies a ${image.width}×${image.height} ${image.channels === 1 ? 'grayscale' : 'colour'} image into ${prep.target.task === 'classification' ? prep.target.classes.length : 0} classes. The picture is read inside this page; nothing is sent anywhere.` : front.kind !== 'tfidf' && front.kind !== 'image' && front.task === 'token' ? 'Tags each word of a text you type. Everything runs inside this file; nothing is sent anywhere.' : 'Classifies a text you type. Everything runs inside this file; nothing is sent anywhere.', { class: 'note' }));
	const form = add(root, el('form', undefined, { autocomplete: 'off' }));
	const result = el('section', undefined, { 'aria-live': 'polite', id: 'kiln-result' });

	function show(r: ReturnType<typeof p.predictText>): void {
		result.textContent = '';
		add(result, el('h2', 'Prediction'));
		if (r.tags) {
			const table = add(result, el('table', undefined, { class: 'tags', id: 'kiln-answer' }));
			add(add(table, el('caption')), el('span', 'One tag per token'));
			const head = add(add(table, el('thead')), el('tr'));
			for (const h of ['Token', 'Tag', 'Probability']) add(head, el('th', h, { scope: 'col' }));
			const body = add(table, el('tbody'));
			for (const t of r.tags) {
				const row = add(body, el('tr'));
				add(row, el('td', t.token));
				add(row, el('td', t.tag));
				add(row, el('td', `${(100 * t.probability).toFixed(1)} %`));
			}
			r.warnings.forEach((w) => add(result, el('p', w, { class: 'warning' })));
			return;
		}
		add(result, el('p', r.top[0].label, { class: 'answer', id: 'kiln-answer' }));
		const list = add(result, el('ul', undefined, { class: 'probabilities' }));
		for (const t of r.top) {
			const item = add(list, el('li'));
			add(item, el('span', t.label, { class: 'name' }));
			add(item, el('meter', undefined, { min: '0', max: '1', value: String(t.probability) }));
			add(item, el('span', `${(100 * t.probability).toFixed(1)} %`, { class: 'percent' }));
		}
		if (r.warnings.length > 0) {
			const warnings = add(result, el('ul', undefined, { class: 'warnings' }));
			r.warnings.forEach((w) => add(warnings, el('li', w)));
		}
	}
	function showError(error: unknown): void {
		result.textContent = '';
		add(result, el('p', error instanceof Error ? error.message : String(error), { class: 'error', role: 'alert' }));
	}

	let input: MediaNode;
	let canvas: MediaNode | null = null;
	async function predictFile(file: Blob) {
		if (!image || !decode || !canvas?.getContext) throw new Error('This page cannot read images here.');
		// The same crop and resize as Kiln's image import (workers/data/decode-image.ts).
		const bitmap = await decode(file);
		try {
			const side = Math.min(bitmap.width, bitmap.height);
			if (side < 1) throw new Error('The image is empty.');
			const ctx = canvas.getContext('2d', { willReadFrequently: true }) as { fillStyle: string; imageSmoothingQuality: string; fillRect(...a: number[]): void; drawImage(...a: unknown[]): void; getImageData(...a: number[]): { data: ArrayLike<number> } };
			ctx.fillStyle = '#fff';
			ctx.fillRect(0, 0, image.width, image.height);
			ctx.imageSmoothingQuality = 'high';
			ctx.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, image.width, image.height);
			const pixels = conv.pixelsFromRgba(ctx.getImageData(0, 0, image.width, image.height).data, image.width * image.height, image.channels);
			const r = p.predictPixels(pixels);
			show(r);
			return r;
		} finally {
			bitmap.close?.();
		}
	}
	function run(): ReturnType<typeof p.predictText> | null {
		try {
			const r = p.predictText(input.value);
			show(r);
			return r;
		} catch (error) {
			showError(error);
			return null;
		}
	}
	if (image) {
		const field = add(form, el('div', undefined, { class: 'field drop', id: 'kiln-drop' }));
		add(field, el('label', 'Image (or drop one here)', { for: 'kiln-image' }));
		input = add(field, el('input', undefined, { id: 'kiln-image', type: 'file', accept: 'image/*' }));
		canvas = add(form, el('canvas', undefined, { width: String(image.width), height: String(image.height), class: 'preview', 'aria-label': 'The image as the model sees it' }));
		const pick = (files: ArrayLike<Blob> | null | undefined) => {
			if (files && files.length > 0) predictFile(files[0]).catch(showError);
		};
		input.addEventListener('change', () => pick(input.files));
		field.addEventListener('dragover', (event) => event.preventDefault());
		field.addEventListener('drop', (event) => {
			event.preventDefault();
			pick(event.dataTransfer?.files);
		});
	} else {
		const field = add(form, el('div', undefined, { class: 'field text' }));
		add(field, el('label', 'Text', { for: 'kiln-text' }));
		input = add(field, el('textarea', undefined, { id: 'kiln-text', rows: '4' }));
		const actions = add(form, el('div', undefined, { class: 'actions' }));
		add(actions, el('button', 'Predict', { type: 'submit' }));
		data.demo.examples.forEach((example, i) => {
			const button = add(actions, el('button', `Example ${i + 1}`, { type: 'button', class: 'secondary' }));
			button.addEventListener('click', () => {
				input.value = Object.prototype.hasOwnProperty.call(example, 'text') ? example.text : '';
				run();
			});
		});
	}
	form.addEventListener('submit', (event) => {
		event.preventDefault();
		if (!image) run();
	});
	add(root, result);
	add(root, el('footer', 'Made with Kiln. The model and its runtime are embedded in this page.'));
	if (!image && data.demo.examples.length > 0) {
		input.value = data.demo.examples[0].text ?? '';
		run();
	}
	return { predictText: (t: string) => p.predictText(t), predictPixels: (px: Uint8Array) => p.predictPixels(px), predictFile, run };
}
