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
		const attrs: AdamUpdateAttrs = {
			learningRate: adam.learningRate,
			beta1: adam.beta1,
			beta2: adam.beta2,
			epsilon: adam.epsilon,
			accBeta1: adam.accBeta1.dataSync()[0],
			accBeta2: adam.accBeta2.dataSync()[0],
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
		adam.accBeta1.assign(tf.scalar(Math.fround(attrs.accBeta1 * Math.fround(adam.beta1))));
		adam.accBeta2.assign(tf.scalar(Math.fround(attrs.accBeta2 * Math.fround(adam.beta2))));
	}
}
