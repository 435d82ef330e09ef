import * as tf from '@tensorflow/tfjs-core';
import { KilnError, errorMessage } from '$shared/errors';
import { sortModelFiles, type ModelFiles, type PickedFile } from '$workers/lib/playground/model-files';
import { loadGraph, loadLayers, loadOnnx, medianLatency, predict, type LoadedModel } from '$workers/lib/playground/runner';
import { batchOf, feedFromNumbers, feedsFromTexts } from '$workers/lib/playground/feeds';
import { csvBatch } from '$workers/lib/playground/csv-batch';
import { imageValues } from '$workers/lib/playground/image-tensor';
import { viewOutput } from '$workers/lib/playground/interpret';
import { isFeedable } from '$workers/lib/playground/signature';
import type { Feed, LatencyRow, PlaygroundInput } from '$workers/lib/playground/types';
import type { PlaygroundApi, PlaygroundProgress } from '../protocol';
import { loaders } from '../backend-loaders';
import { tryBackend } from '../lib/backend';
import { offeredBackends } from './auto-backend';
import { backendHandlers } from './backend';
import { loadOrt } from './ort';
import { loadOrtWebgpu } from './ort-webgpu';

/** The model this worker holds: the playground's own worker keeps one at a time. */
let current: { files: ModelFiles; model: LoadedModel; lastFeeds: Feed[] | null } | null = null;

/** A file's bytes, read in chunks so a big model reports progress (and Cancel can end it). */
async function readAll(files: { name: string; file: Blob }[], report: (p: PlaygroundProgress) => void): Promise<PickedFile[]> {
	const total = files.reduce((n, f) => n + f.file.size, 0) || 1;
	let done = 0;
	let shown = -1;
	const out: PickedFile[] = [];
	for (const { name, file } of files) {
		const bytes = new Uint8Array(file.size);
		const reader = file.stream().getReader();
		let at = 0;
		try {
			for (;;) {
				const { done: end, value } = await reader.read();
				if (end) break;
				bytes.set(value, at);
				at += value.length;
				done += value.length;
				// One message per percent, not per 64 KB chunk.
				const percent = Math.floor((100 * done) / total);
				if (percent !== shown) {
					shown = percent;
					report({ fraction: 0.7 * (done / total), label: `Reading ${name}` });
				}
			}
		} catch (error) {
			throw new KilnError('ImportError', `"${name}" could not be read (${errorMessage(error)}).`);
		}
		out.push({ name, bytes });
	}
	return out;
}

/** ONNX Runtime Web's WebGPU build or its wasm build: two separate bundles with one API. */
async function openOnnx(files: Extract<ModelFiles, { kind: 'onnx' }>, backend: 'wasm' | 'webgpu'): Promise<LoadedModel> {
	return loadOnnx(backend === 'webgpu' ? await loadOrtWebgpu() : await loadOrt(), files.bytes, files.fileName, [backend]);
}

async function openModel(files: ModelFiles, ortBackend: 'wasm' | 'webgpu' = 'wasm'): Promise<LoadedModel> {
	if (files.kind === 'onnx' && ortBackend === 'webgpu') {
		try {
			return await openOnnx(files, 'webgpu');
		} catch (error) {
			const model = await openOnnx(files, 'wasm');
			model.signature.notes.push(`ONNX Runtime's WebGPU build could not run this model (${errorMessage(error)}); it runs on wasm.`);
			return model;
		}
	}
	if (files.kind === 'onnx') return openOnnx(files, 'wasm');
	if (files.kind === 'tfjs-graph') return loadGraph(files.artifacts, files.fileName, files.bytes);
	return loadLayers(files.artifacts, files.fileName, files.bytes);
}

/** A picture's RGBA pixels, decoded in this worker (its longest side capped at 2048). */
async function decodePicture(file: Blob, fileName: string): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
	let bitmap: ImageBitmap;
	try {
		bitmap = await createImageBitmap(file);
	} catch {
		throw new KilnError('ImageDecodeError', `"${fileName}" is not a picture this browser can decode (PNG, JPEG, WebP, GIF or BMP).`);
	}
	try {
		const scale = Math.min(1, 2048 / Math.max(bitmap.width, bitmap.height));
		const width = Math.max(1, Math.round(bitmap.width * scale));
		const height = Math.max(1, Math.round(bitmap.height * scale));
		const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
		if (!ctx) throw new KilnError('ImageDecodeError', 'This browser cannot draw pictures in a worker.');
		ctx.drawImage(bitmap, 0, 0, width, height);
		return { width, height, data: ctx.getImageData(0, 0, width, height).data };
	} finally {
		bitmap.close();
	}
}

function held() {
	if (!current) throw new KilnError('ValidationError', 'Load a model first (it is gone if loading was cancelled or the worker restarted).');
	return current;
}

async function feedsFor(input: PlaygroundInput): Promise<Feed[]> {
	const { model } = held();
	const inputs = model.signature.inputs;
	if (input.kind === 'values') return feedsFromTexts(inputs, input.texts);
	if (inputs.length !== 1) throw new KilnError('ValidationError', `This model has ${inputs.length} inputs (${inputs.map((i) => `"${i.name}"`).join(', ')}); a ${input.kind === 'csv' ? 'CSV' : 'picture'} feeds a model with one input. Use the values boxes.`);
	const spec = inputs[0];
	if (!isFeedable(spec.type)) throw new KilnError('ValidationError', `Input "${spec.name}" takes ${spec.type}, which the playground cannot feed.`);
	if (input.kind === 'csv') {
		const batch = csvBatch(await input.file.text(), input.fileName, spec);
		return [feedFromNumbers(spec, batch.values, batch.dims)];
	}
	const picture = imageValues(await decodePicture(input.file, input.fileName), spec, input.scale);
	return [feedFromNumbers(spec, picture.values, picture.dims)];
}

/** Zeros of batch 1 (free sizes 1) for timing before anything was predicted. */
function zeroFeeds(model: LoadedModel): Feed[] {
	return model.signature.inputs.map((spec) => {
		if (!isFeedable(spec.type)) throw new KilnError('ValidationError', `Input "${spec.name}" takes ${spec.type}, which the playground cannot feed.`);
		const dims = spec.dims.map((d) => (typeof d === 'number' ? d : 1));
		return feedFromNumbers(spec, new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
	});
}

/** The ONNX model in a second ORT session on another backend, timed; any failure is the row's problem. */
async function ortRow(files: Extract<ModelFiles, { kind: 'onnx' }>, backend: 'wasm' | 'webgpu', feeds: Feed[], batch: number): Promise<LatencyRow> {
	let model: LoadedModel | null = null;
	try {
		model = await openOnnx(files, backend);
		return { runtime: 'ort', backend, batch, ...(await medianLatency(model, feeds)) };
	} catch (error) {
		return { runtime: 'ort', backend, batch, runs: 0, problem: errorMessage(error) };
	} finally {
		await model?.dispose().catch(() => {});
	}
}

export const playgroundHandlers: PlaygroundApi = {
	async playgroundLoad(files, backend, onProgress) {
		const report = (p: PlaygroundProgress) => onProgress?.(p);
		if (current) await current.model.dispose().catch(() => {});
		current = null;
		const picked = await readAll(files, report);
		report({ fraction: 0.75, label: 'Checking the files' });
		const sorted = sortModelFiles(picked);
		// ONNX follows the Settings choice too: WebGPU when chosen and offered, else wasm.
		const ortBackend = sorted.kind === 'onnx' && backend === 'webgpu' && (await offeredBackends()).includes('webgpu') ? 'webgpu' : 'wasm';
		report({ fraction: 0.8, label: sorted.kind === 'onnx' ? `Starting ONNX Runtime (${ortBackend})` : 'Starting TensorFlow.js' });
		if (sorted.kind !== 'onnx') await backendHandlers.useBackend(backend);
		const model = await openModel(sorted, ortBackend);
		// Files are kept to load the model again on other backends (weights live on a backend).
		current = { files: sorted, model, lastFeeds: null };
		report({ fraction: 1, label: 'Loaded' });
		return model.signature;
	},

	async playgroundPredict(input) {
		const state = held();
		const feeds = await feedsFor(input);
		const start = performance.now();
		const outputs = await predict(state.model, feeds);
		const ms = performance.now() - start;
		state.lastFeeds = feeds;
		const batch = batchOf(feeds);
		const runtime = state.model.runtime === 'tfjs' ? `TensorFlow.js (${tf.getBackend()})` : `ONNX Runtime Web (${state.model.backend ?? 'wasm'})`;
		return { outputs: outputs.map((o) => viewOutput(o, { batch })), batch, ms, runtime };
	},

	async playgroundLatency(onProgress) {
		const state = held();
		const feeds = state.lastFeeds ?? zeroFeeds(state.model);
		const batch = batchOf(feeds);
		const rows: LatencyRow[] = [];
		const offered = await offeredBackends();
		if (state.model.runtime === 'ort' && state.files.kind === 'onnx') {
			for (const [i, name] of (['wasm', 'webgpu'] as const).entries()) {
				if (name === 'webgpu' && !offered.includes('webgpu')) continue;
				onProgress?.({ fraction: i / 2, label: name === 'wasm' ? 'Timing ONNX Runtime on wasm' : 'Timing ONNX Runtime on WebGPU (its 26 MB build loads on first use)' });
				rows.push(name === (state.model.backend ?? 'wasm') ? { runtime: 'ort', backend: name, batch, ...(await medianLatency(state.model, feeds)) } : await ortRow(state.files, name, feeds, batch));
			}
			return rows;
		}
		const start = tf.getBackend();
		for (const [i, name] of offered.entries()) {
			onProgress?.({ fraction: i / offered.length, label: `Timing TensorFlow.js on ${name}` });
			const problem = await tryBackend(name, loaders);
			if (problem) {
				rows.push({ runtime: 'tfjs', backend: name, batch, runs: 0, problem });
				continue;
			}
			// Weights live on a backend: the model is loaded again on each one.
			const files = state.files;
			if (files.kind === 'onnx') continue;
			const model = name === start ? state.model : await openModel(files);
			try {
				rows.push({ runtime: 'tfjs', backend: name, batch, ...(await medianLatency(model, feeds)) });
			} catch (error) {
				rows.push({ runtime: 'tfjs', backend: name, batch, runs: 0, problem: errorMessage(error) });
			} finally {
				if (model !== state.model) await model.dispose();
			}
		}
		await tryBackend(start as (typeof offered)[number], loaders);
		return rows;
	}
};
