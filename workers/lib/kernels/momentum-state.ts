import * as tf from '@tensorflow/tfjs-core';
import type { AdamUpdateAttrs } from './dense-train';
import type { FusedUpdater } from './adam-state';

/** The fields of tfjs's MomentumOptimizer a fused update reads and keeps current (checkpoints save them). */
interface MomentumFields {
	/** The momentum as a scalar tensor, and −rate as setLearningRate caches it. */
	m: tf.Scalar;
	c: tf.Scalar;
	useNesterov: boolean;
	accumulations: ({ originalName: string; variable: tf.Variable } | undefined)[];
}

/**
 * tfjs's Momentum optimiser (SGD with momentum or Nesterov) for a fused step: the same ops as
 * MomentumOptimizer.applyGradients on its own accumulations, created on first use under the names
 * it gives them, so checkpoints and a later fall back to tfjs's path see the same optimiser. The
 * fused step's gradients come without the L2 term and, off wasm, with kernels transposed; both
 * are mended here as ADAM_UPDATE mends them.
 */
export class MomentumState implements FusedUpdater {
	private readonly sgd: MomentumFields;
	private readonly variables: tf.Variable[];

	constructor(optimizer: tf.Optimizer, variables: tf.Variable[]) {
		this.sgd = optimizer as unknown as MomentumFields;
		this.variables = variables;
	}

	update(grads: tf.Tensor[], perVariable: Pick<AdamUpdateAttrs, 'l2' | 'transposed'>): void {
		const sgd = this.sgd;
		this.variables.forEach((value, i) => {
			sgd.accumulations[i] ??= { originalName: `${value.name}/momentum`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
			const accumulation = sgd.accumulations[i]!.variable;
			tf.tidy(() => {
				let gradient = perVariable.transposed[i] ? tf.transpose(grads[i]) : grads[i];
				if (perVariable.l2[i] > 0) gradient = tf.add(gradient, tf.mul(value, 2 * perVariable.l2[i]));
				const next = tf.add(tf.mul(sgd.m, accumulation), gradient);
				const moved = sgd.useNesterov ? tf.add(tf.mul(sgd.c, tf.add(gradient, tf.mul(next, sgd.m))), value) : tf.add(tf.mul(sgd.c, next), value);
				accumulation.assign(next);
				value.assign(moved);
			});
		});
	}
}
