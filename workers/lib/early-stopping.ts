import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { BestWeights, Task } from '../protocol';
import { KilnError } from '$shared/errors';

/**
 * Keeps the weights of the epoch with the lowest validation loss and says when `patience`
 * epochs have passed without improvement (Keras' EarlyStopping with restore_best_weights).
 */
export class BestWeightsTracker {
	#best: BestWeights | undefined;

	constructor(
		private readonly patience: number,
		restored?: BestWeights
	) {
		this.#best = restored;
	}

	get best(): BestWeights | undefined {
		return this.#best;
	}

	/** Record an epoch's validation loss; true when training should stop. */
	async observe(model: tfl.LayersModel, epoch: number, valLoss: number): Promise<boolean> {
		if (!this.#best || valLoss < this.#best.valLoss) {
			this.#best = { epoch, valLoss, weights: await snapshotWeights(model) };
			return false;
		}
		return this.patience > 0 && epoch - this.#best.epoch >= this.patience;
	}

	restore(model: tfl.LayersModel): void {
		if (this.#best) restoreWeights(model, this.#best.weights);
	}
}

async function snapshotWeights(model: tfl.LayersModel): Promise<ArrayBuffer> {
	const values = await Promise.all(model.getWeights().map((w) => w.data<'float32'>()));
	const out = new Float32Array(values.reduce((n, v) => n + v.length, 0));
	let offset = 0;
	for (const v of values) {
		out.set(v, offset);
		offset += v.length;
	}
	return out.buffer;
}

function restoreWeights(model: tfl.LayersModel, buffer: ArrayBuffer): void {
	const all = new Float32Array(buffer);
	let offset = 0;
	const tensors = model.weights.map((w) => {
		const size = w.shape.reduce((a: number, b) => a * (b ?? 1), 1);
		const t = tf.tensor(all.subarray(offset, offset + size), w.shape as number[]);
		offset += size;
		return t;
	});
	if (offset !== all.length) {
		tf.dispose(tensors);
		throw new KilnError('TrainingError', 'The stored best weights do not fit this model.');
	}
	model.setWeights(tensors);
	tf.dispose(tensors);
}

/**
 * The loss of a model that knows nothing: uniform class probabilities (ln k), or the training
 * mean for a standardised regression target (MSE 1). Divergence is judged against it.
 */
export function trivialLoss(task: Task, classes: number): number {
	return task === 'classification' ? Math.log(Math.max(classes, 2)) : 1;
}

/**
 * A run diverges when its loss leaves any sane range: not finite, a batch 1000× worse than
 * knowing nothing, or a whole epoch 20× worse. Such a model is worse than guessing, so it is
 * never stored as "done". Returns the reason, or null.
 */
export function divergence(loss: number, trivial: number, scope: 'batch' | 'epoch', epoch: number, learningRate: number): string | null {
	const factor = scope === 'batch' ? 1000 : 20;
	if (Number.isFinite(loss) && loss <= factor * trivial) return null;
	const shown = Number.isFinite(loss) ? Math.round(loss).toLocaleString('en-US') : String(loss);
	return `The training loss rose to ${shown} in epoch ${epoch}, while a model that knows nothing scores ${trivial.toFixed(2)}: training diverged. Lower the learning rate (now ${learningRate}; try ${learningRate / 10}) and train again.`;
}
