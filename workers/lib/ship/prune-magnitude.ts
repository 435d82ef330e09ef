import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ModelArtifacts } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { deserializeModel, serializeModel } from '$workers/lib/model';
import { fineTune, stepsPerEpoch, validateFineTune } from './fine-tune';
import { weightStats } from './prune-stats';
import type { MagnitudePruneOptions, PruneEpoch, PruneResult } from './types';

/**
 * Gradual magnitude pruning (Zhu & Gupta 2017, TF-MOT's PolynomialDecay): while fine-tuning,
 * every `frequency` steps each pruned kernel keeps only its largest-magnitude weights, with the
 * share of zeros following s_t = s_f + (s_i − s_f)(1 − (t − t0)/(t1 − t0))³; after every step the
 * masks are applied again because Adam keeps moving masked weights. Biases and normalisation
 * parameters are never pruned.
 */

const PRUNABLE = /(^|\/)(kernel|depthwise_kernel|pointwise_kernel|recurrent_kernel|embeddings)(_\d+)?$/;

export function sparsityAt(step: number, options: { initialSparsity: number; targetSparsity: number; beginStep: number; endStep: number }): number {
	const { initialSparsity: si, targetSparsity: sf, beginStep: t0, endStep: t1 } = options;
	if (step <= t0) return si;
	if (step >= t1) return sf;
	return sf + (si - sf) * (1 - (step - t0) / (t1 - t0)) ** 3;
}

/** 0/1 mask zeroing exactly floor(sparsity·n) of the smallest magnitudes (ties by position). */
export function magnitudeMask(values: Float32Array, sparsity: number): Float32Array {
	const zeros = Math.floor(sparsity * values.length);
	const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => Math.abs(values[a]) - Math.abs(values[b]) || a - b);
	const mask = new Float32Array(values.length).fill(1);
	for (let k = 0; k < zeros; k++) mask[order[k]] = 0;
	return mask;
}

interface Pruned {
	variable: tfl.LayersModel['weights'][number];
	mask: tf.Tensor | null;
}

function prunedWeights(model: tfl.LayersModel, include: MagnitudePruneOptions['include']): Pruned[] {
	const chosen = model.trainableWeights.filter((w) => (include ? include({ name: w.originalName, shape: w.shape as number[] }) : PRUNABLE.test(w.originalName)));
	if (chosen.length === 0) throw new KilnError('TrainingError', 'The model has no kernels to prune.');
	return chosen.map((variable) => ({ variable, mask: null }));
}

function applyMasks(pruned: Pruned[]): void {
	tf.tidy(() => {
		for (const p of pruned) if (p.mask) p.variable.write(tf.mul(p.variable.read(), p.mask));
	});
}

function updateMasks(pruned: Pruned[], sparsity: number): void {
	for (const p of pruned) {
		const values = p.variable.read().dataSync() as Float32Array;
		p.mask?.dispose();
		p.mask = tf.tensor(magnitudeMask(values, sparsity), p.variable.shape as number[]);
	}
	applyMasks(pruned);
}

function zeroShare(pruned: Pruned[]): number {
	let zeros = 0;
	let total = 0;
	for (const p of pruned) {
		const values = p.variable.read().dataSync();
		total += values.length;
		for (const v of values) if (v === 0) zeros++;
	}
	return total > 0 ? zeros / total : 0;
}

/**
 * Prune `artifacts` to `targetSparsity` while fine-tuning on x / y (row-major features as the
 * model takes them; class indices or regression targets). Returns the pruned model, its weight
 * statistics and the per-epoch loss and sparsity.
 */
export async function pruneMagnitude(artifacts: ModelArtifacts, x: Float32Array, y: Int32Array | Float32Array, options: MagnitudePruneOptions): Promise<PruneResult> {
	const target = options.targetSparsity;
	const initial = options.initialSparsity ?? 0;
	if (!(target >= 0 && target < 1) || !(initial >= 0 && initial <= target)) throw new KilnError('TrainingError', 'Sparsity must satisfy 0 ≤ initial ≤ target < 1 (e.g. target 0.8 = 80% zeros).');
	const model = await deserializeModel(artifacts);
	try {
		const rows = validateFineTune(model, x, y, options);
		const total = options.epochs * stepsPerEpoch(rows, options.batchSize ?? 32);
		const beginStep = options.beginStep ?? 0;
		const endStep = Math.min(options.endStep ?? Math.max(beginStep + 1, Math.floor(total * 0.7)), total);
		if (endStep <= beginStep) throw new KilnError('TrainingError', `Pruning must end (step ${endStep}) after it begins (step ${beginStep}); the run has ${total} steps.`);
		const frequency = Math.max(1, options.frequency ?? Math.floor((endStep - beginStep) / 10));
		const schedule = { initialSparsity: initial, targetSparsity: target, beginStep, endStep };
		const pruned = prunedWeights(model, options.include);
		const history: PruneEpoch[] = [];
		if (beginStep === 0) updateMasks(pruned, initial);
		await fineTune(model, x, y, options, {
			afterStep: (step) => {
				const t = step + 1;
				const due = t >= beginStep && t <= endStep && ((t - beginStep) % frequency === 0 || t === endStep);
				if (due) updateMasks(pruned, sparsityAt(t, schedule));
				else applyMasks(pruned);
			},
			afterEpoch: (epoch, loss) => {
				const record = { epoch, loss, sparsity: zeroShare(pruned) };
				history.push(record);
				options.onEpoch?.(record);
			}
		});
		pruned.forEach((p) => p.mask?.dispose());
		const result = await serializeModel(model);
		return { model: result, stats: weightStats(result), history };
	} finally {
		model.dispose();
	}
}
