import * as tf from '@tensorflow/tfjs-core';

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
	return { adam, slot };
}
