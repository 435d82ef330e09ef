import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ModelArtifacts } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { deserializeModel, serializeModel } from '$workers/lib/model';
import { fineTune } from './fine-tune';
import { weightStats } from './prune-stats';
import type { PruneEpoch, PruneResult, StructuredPruneOptions } from './types';

/**
 * Structured pruning of Sequential models: remove the Dense units and Conv filters with the
 * smallest L1 norm, rebuild a smaller model, and cut the matching inputs of the next weighted
 * layer (through BatchNormalization, pooling, dropout, activations and Flatten), so the pruned
 * model is genuinely smaller and faster rather than full of zeros.
 */

type Arr = { data: Float32Array; shape: number[] };

const WEIGHTED = new Set(['Dense', 'Conv1D', 'Conv2D']);
// Layers that keep channels in place (per channel, or not looking at channels at all).
const PASS_THROUGH = new Set(['Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'ThresholdedReLU', 'BatchNormalization', 'MaxPooling1D', 'MaxPooling2D', 'AveragePooling1D', 'AveragePooling2D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'Flatten']);

/** Keep entries of `a` whose index along `axis` is in `keep` (in order). */
export function selectAxis(a: Arr, axis: number, keep: number[]): Arr {
	const outer = a.shape.slice(0, axis).reduce((x, y) => x * y, 1);
	const inner = a.shape.slice(axis + 1).reduce((x, y) => x * y, 1);
	const size = a.shape[axis];
	const data = new Float32Array(outer * keep.length * inner);
	let o = 0;
	for (let i = 0; i < outer; i++) for (const k of keep) {
		const start = (i * size + k) * inner;
		data.set(a.data.subarray(start, start + inner), o);
		o += inner;
	}
	const shape = a.shape.slice();
	shape[axis] = keep.length;
	return { data, shape };
}

/** Indices of the output units (last axis) with the largest L1 norm, ascending. */
export function strongestUnits(kernel: Arr, keepCount: number): number[] {
	const units = kernel.shape.at(-1)!;
	const norms = new Float64Array(units);
	kernel.data.forEach((v, i) => (norms[i % units] += Math.abs(v)));
	return Array.from({ length: units }, (_, u) => u)
		.sort((a, b) => norms[b] - norms[a] || a - b)
		.slice(0, keepCount)
		.sort((a, b) => a - b);
}

function layerWeights(layer: tfl.LayersModel['layers'][number]): Map<string, Arr> {
	return new Map(layer.weights.map((w) => [w.originalName.split('/').pop()!, { data: Float32Array.from(w.read().dataSync() as Float32Array), shape: w.shape as number[] }]));
}

/** Channels reaching the next layer: which of the original channels survive, and how Flatten spread them. */
interface Incoming {
	keep: number[];
	channels: number;
	/** Spatial positions folded in by Flatten (rows of the next Dense = position × channels + channel). */
	positions: number;
}

function expandFlatten(incoming: Incoming): number[] {
	const rows: number[] = [];
	for (let p = 0; p < incoming.positions; p++) for (const c of incoming.keep) rows.push(p * incoming.channels + c);
	return rows;
}

function topologyLayers(topology: object): { class_name: string; config: Record<string, unknown> }[] {
	const t = topology as { class_name?: string; config?: { layers?: unknown } | unknown[] };
	const layers = Array.isArray(t.config) ? t.config : t.config?.layers;
	if (t.class_name !== 'Sequential' || !Array.isArray(layers)) throw new KilnError('TrainingError', 'Structured pruning supports Sequential models (the kind Kiln trains); this model is not one.');
	return layers as { class_name: string; config: Record<string, unknown> }[];
}

/**
 * Remove units without fine-tuning: `keepShare(layerName)` is the share of units to keep in
 * each prunable layer. Returns the rebuilt artifacts and the kept unit indices per layer.
 */
export async function removeUnits(artifacts: ModelArtifacts, keepShare: (layer: string) => number): Promise<{ model: ModelArtifacts; kept: Record<string, number[]> }> {
	const original = await deserializeModel(artifacts);
	const topology = structuredClone(artifacts.modelTopology) as object;
	const configs = topologyLayers(topology);
	const newWeights = new Map<string, Map<string, Arr>>();
	const kept: Record<string, number[]> = {};
	try {
		const layers = original.layers;
		let incoming: Incoming | null = null;
		layers.forEach((layer, i) => {
			const cls = layer.getClassName();
			const weights = layerWeights(layer);
			newWeights.set(layer.name, weights);
			if (!WEIGHTED.has(cls) && !PASS_THROUGH.has(cls)) {
				if (incoming) throw new KilnError('TrainingError', `Layer "${layer.name}" (${cls}) cannot take fewer input channels; structured pruning stops at such layers.`);
				return;
			}
			if (cls === 'BatchNormalization' && incoming) for (const [k, w] of weights) weights.set(k, selectAxis(w, 0, incoming.keep));
			if (cls === 'Flatten' && incoming) {
				const shape = layer.inboundNodes[0].inputTensors[0].shape;
				incoming = { ...incoming, positions: (shape.slice(1, -1) as number[]).reduce((a, b) => a * b, 1) };
			}
			if (WEIGHTED.has(cls)) {
				let kernel = weights.get('kernel')!;
				if (incoming) kernel = selectAxis(kernel, kernel.shape.length - 2, incoming.positions > 1 ? expandFlatten(incoming) : incoming.keep);
				incoming = null;
				// Only a layer whose outputs reach another weighted layer can lose units.
				let next = i + 1;
				while (next < layers.length && PASS_THROUGH.has(layers[next].getClassName())) next++;
				const prunable = next < layers.length && WEIGHTED.has(layers[next].getClassName());
				const units = kernel.shape.at(-1)!;
				const share = prunable ? keepShare(layer.name) : 1;
				if (!(share > 0 && share <= 1)) throw new KilnError('TrainingError', `The share of units to keep in "${layer.name}" must be above 0 and at most 1.`);
				if (share < 1) {
					const keep = strongestUnits(kernel, Math.max(1, Math.round(units * share)));
					kernel = selectAxis(kernel, kernel.shape.length - 1, keep);
					const bias = weights.get('bias');
					if (bias) weights.set('bias', selectAxis(bias, 0, keep));
					const config = configs.find((c) => c.config.name === layer.name)?.config;
					if (!config) throw new KilnError('TrainingError', `Layer "${layer.name}" is missing from the model topology.`);
					config[cls === 'Dense' ? 'units' : 'filters'] = keep.length;
					kept[layer.name] = keep;
					incoming = { keep, channels: units, positions: 1 };
				}
				weights.set('kernel', kernel);
			}
		});
	} finally {
		original.dispose();
	}
	const rebuilt = (await tfl.models.modelFromJSON({ modelTopology: topology } as Parameters<typeof tfl.models.modelFromJSON>[0])) as tfl.LayersModel;
	try {
		for (const layer of rebuilt.layers) {
			const weights = newWeights.get(layer.name);
			if (!weights || layer.weights.length === 0) continue;
			const tensors = layer.weights.map((w) => {
				const a = weights.get(w.originalName.split('/').pop()!)!;
				return tf.tensor(a.data, a.shape);
			});
			layer.setWeights(tensors);
			tensors.forEach((t) => t.dispose());
		}
		return { model: await serializeModel(rebuilt), kept };
	} finally {
		rebuilt.dispose();
	}
}

/** Remove the weakest units / filters, then fine-tune the smaller model on x / y. */
export async function pruneStructured(artifacts: ModelArtifacts, x: Float32Array, y: Int32Array | Float32Array, options: StructuredPruneOptions): Promise<PruneResult> {
	if (!(options.fraction >= 0 && options.fraction < 1)) throw new KilnError('TrainingError', 'The share of units to remove must be at least 0 and below 1 (e.g. 0.5).');
	const { model: smaller, kept } = await removeUnits(artifacts, (name) => 1 - (options.perLayer?.[name] ?? options.fraction));
	// A linear model has no hidden units: a "pruned" row would be the original under another name.
	if (Object.keys(kept).length === 0) throw new KilnError('TrainingError', 'This model has no hidden layer, so there are no units or filters to remove.');
	const model = await deserializeModel(smaller);
	try {
		const history: PruneEpoch[] = [];
		await fineTune(model, x, y, options, {
			afterEpoch: (epoch, loss) => {
				const record = { epoch, loss, sparsity: 0 };
				history.push(record);
				options.onEpoch?.(record);
			}
		});
		const result = await serializeModel(model);
		return { model: result, stats: weightStats(result), history, kept };
	} finally {
		model.dispose();
	}
}
