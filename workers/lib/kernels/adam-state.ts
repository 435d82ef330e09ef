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

/**
 * tfjs's Adam state seen by a fused step (the MLP's and the text models'): the optimiser's fields and
 * the moment variable of `variables[i]`, created on first use as AdamOptimizer.applyGradients names
 * it, so getWeights/setWeights and checkpoints see the same state whichever step ran.
 */
export function adamState(optimizer: tf.Optimizer, variables: tf.Variable[]) {
	const adam = optimizer as unknown as AdamFields;
	const slot = (list: (Slot | undefined)[], i: number, suffix: string): tf.Variable => {
		list[i] ??= { originalName: `${variables[i].name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(variables[i]).variable(false)) };
		return list[i]!.variable;
	};
	/**
	 * One ADAM_UPDATE kernel over every variable, written back to the variables and tfjs's state.
	 * The optimiser's own settings and β powers fill the kernel's attributes; the caller gives only
	 * what differs per variable (L2 weight, transposed storage).
	 */
	const update = (grads: tf.Tensor[], perVariable: Pick<AdamUpdateAttrs, 'l2' | 'transposed'>): void => {
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
		variables.forEach((v, i) => {
			inputs[`value${i}`] = v;
			inputs[`grad${i}`] = grads[i];
			inputs[`m${i}`] = slot(adam.accumulatedFirstMoment, i, 'm');
			inputs[`v${i}`] = slot(adam.accumulatedSecondMoment, i, 'v');
		});
		const updated = tf.engine().runKernel(ADAM_UPDATE, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
		variables.forEach((v, i) => {
			v.assign(updated[3 * i]);
			adam.accumulatedFirstMoment[i]!.variable.assign(updated[3 * i + 1]);
			adam.accumulatedSecondMoment[i]!.variable.assign(updated[3 * i + 2]);
		});
		// β powers as tfjs keeps them: float32 running products.
		adam.accBeta1.assign(tf.scalar(Math.fround(attrs.accBeta1 * Math.fround(adam.beta1))));
		adam.accBeta2.assign(tf.scalar(Math.fround(attrs.accBeta2 * Math.fround(adam.beta2))));
	};
	return { adam, update };
}
