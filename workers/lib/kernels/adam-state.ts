import * as tf from '@tensorflow/tfjs-core';
import { ADAM_UPDATE, type AdamUpdateAttrs } from './dense-train';

interface Slot {
	originalName: string;
	variable: tf.Variable;
}

/** The fields of tfjs's AdamOptimizer a fused update reads and keeps current (checkpoints save them). */
export interface AdamFields {
	learningRate: number;
	beta1: number;
	beta2: number;
	epsilon: number;
	accBeta1: tf.Variable;
	accBeta2: tf.Variable;
	accumulatedFirstMoment: (Slot | undefined)[];
	accumulatedSecondMoment: (Slot | undefined)[];
	incrementIterations(): void;
}

/** What a fused step's optimiser state offers: one update of every variable from its gradients. */
export interface FusedUpdater {
	update(grads: tf.Tensor[], perVariable: Pick<AdamUpdateAttrs, 'l2' | 'transposed'>): void;
}

/**
 * tfjs's Adam state seen by a fused step (the MLP's and the text models'): the optimiser's fields and
 * the moment variable of `variables[i]`, created on first use as AdamOptimizer.applyGradients names
 * it, so getWeights/setWeights and checkpoints see the same state whichever step ran.
 * A class rather than closures: every model's step then calls the same `update` function, so
 * V8's optimised step code stays valid from one model to the next (a new closure per model was a
 * "wrong call target" deopt at each new trial or run, and hundreds of slow steps until V8 compiled
 * the step again; bench/epoch-profile.mjs).
 */
export class AdamState implements FusedUpdater {
	readonly adam: AdamFields;
	private readonly variables: tf.Variable[];

	constructor(optimizer: tf.Optimizer, variables: tf.Variable[]) {
		this.adam = optimizer as unknown as AdamFields;
		this.variables = variables;
	}

	private slot(list: (Slot | undefined)[], i: number, suffix: string): tf.Variable {
		const variable = this.variables[i];
		list[i] ??= { originalName: `${variable.name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(variable).variable(false)) };
		return list[i]!.variable;
	}

	/**
	 * One ADAM_UPDATE kernel over every variable, written back to the variables and tfjs's state.
	 * The optimiser's own settings and β powers fill the kernel's attributes; the caller gives only
	 * what differs per variable (L2 weight, transposed storage).
	 */
	update(grads: tf.Tensor[], perVariable: Pick<AdamUpdateAttrs, 'l2' | 'transposed'>): void {
		const adam = this.adam;
		const heap = powersInHeap(adam);
		const attrs: AdamUpdateAttrs = {
			learningRate: adam.learningRate,
			beta1: adam.beta1,
			beta2: adam.beta2,
			epsilon: adam.epsilon,
			accBeta1: heap ? heap[0][0] : adam.accBeta1.dataSync()[0],
			accBeta2: heap ? heap[1][0] : adam.accBeta2.dataSync()[0],
			...perVariable
		};
		const inputs: Record<string, tf.Tensor> = {};
		for (let i = 0; i < this.variables.length; i++) {
			inputs[`value${i}`] = this.variables[i];
			inputs[`grad${i}`] = grads[i];
			inputs[`m${i}`] = this.slot(adam.accumulatedFirstMoment, i, 'm');
			inputs[`v${i}`] = this.slot(adam.accumulatedSecondMoment, i, 'v');
		}
		const updated = tf.engine().runKernel(ADAM_UPDATE, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
		for (let i = 0; i < this.variables.length; i++) {
			this.variables[i].assign(updated[3 * i]);
			adam.accumulatedFirstMoment[i]!.variable.assign(updated[3 * i + 1]);
			adam.accumulatedSecondMoment[i]!.variable.assign(updated[3 * i + 2]);
		}
		// β powers as tfjs keeps them: float32 running products.
		const next1 = Math.fround(attrs.accBeta1 * Math.fround(adam.beta1));
		const next2 = Math.fround(attrs.accBeta2 * Math.fround(adam.beta2));
		// Views taken again: the kernel's outputs may have grown the heap, which detaches a non-shared one.
		const after = heap && powersInHeap(adam);
		if (after) {
			after[0][0] = next1;
			after[1][0] = next2;
		} else {
			adam.accBeta1.assign(tf.scalar(next1));
			adam.accBeta2.assign(tf.scalar(next2));
		}
	}
}

type HeapBackend = { typedArrayFromHeap?: (t: tf.TensorInfo) => Float32Array; refCount(dataId: object): number };

/**
 * On wasm, Adam's β powers as views of their values in tfjs-backend-wasm's heap, read and written
 * in place, when each variable alone holds its data (refCount 1: no other tensor sees the write).
 * dataSync copies the value out into a fresh ArrayBuffer and tf.scalar hands tfjs another: four
 * per step, which V8's array-buffer sweeper then freed on the renderer's background threads.
 * Null elsewhere (the caller reads and assigns as tfjs does).
 */
function powersInHeap(adam: AdamFields): [Float32Array, Float32Array] | null {
	const backend = tf.backend() as unknown as HeapBackend;
	if (typeof backend.typedArrayFromHeap !== 'function') return null;
	const { accBeta1, accBeta2 } = adam;
	if (backend.refCount(accBeta1.dataId) !== 1 || backend.refCount(accBeta2.dataId) !== 1) return null;
	return [backend.typedArrayFromHeap(accBeta1), backend.typedArrayFromHeap(accBeta2)];
}
