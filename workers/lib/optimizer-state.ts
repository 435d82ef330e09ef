import * as tf from '@tensorflow/tfjs-core';
import type { TrainCheckpoint } from '../protocol';
import { canonicalSpecs } from './canonical-specs';

/** The optimiser's part of a checkpoint (every model kind stores it the same way). */
export type OptimizerState = Pick<TrainCheckpoint, 'optimizer' | 'adamPowers'>;

/**
 * Adam keeps β₁ᵗ and β₂ᵗ as running products, and tfjs recomputes them with pow() when its
 * state is restored; the two differ in the last bits, which a high learning rate grows over later
 * epochs (a resumed tune trial drifted from the same config trained straight). The products
 * travel with the checkpoint so a resume is bit for bit.
 */
type AdamPowers = { accBeta1?: tf.Variable; accBeta2?: tf.Variable };

/** Adam's β-power variables, or undefined for an optimiser without them. */
function powerVariables(optimizer: tf.Optimizer): [tf.Variable, tf.Variable] | undefined {
	const { accBeta1, accBeta2 } = optimizer as unknown as AdamPowers;
	return accBeta1 instanceof tf.Variable && accBeta2 instanceof tf.Variable ? [accBeta1, accBeta2] : undefined;
}

/** The optimiser's weights (moments, step count) encoded, and Adam's β powers. */
export async function captureOptimizer(optimizer: tf.Optimizer): Promise<OptimizerState> {
	const state = await optimizer.getWeights();
	const vars = powerVariables(optimizer);
	const powers: [number, number] | undefined = vars && [(await vars[0].data())[0], (await vars[1].data())[0]];
	try {
		const { data, specs } = await tf.io.encodeWeights(state);
		return { optimizer: { data, specs: specs.map(({ name, shape, dtype }) => ({ name, shape, dtype })) }, ...(powers ? { adamPowers: powers } : {}) };
	} finally {
		// The first entry is a fresh step-count scalar; the rest are the optimiser's live variables.
		state[0]?.tensor.dispose();
	}
}

/** Put a checkpoint's optimiser state back, β powers after `setWeights` (which recomputes them with pow). */
export async function restoreOptimizer(optimizer: tf.Optimizer, checkpoint: OptimizerState): Promise<void> {
	const specs = canonicalSpecs(checkpoint.optimizer.specs as tf.io.WeightsManifestEntry[]);
	const state = tf.io.decodeWeights(checkpoint.optimizer.data, specs);
	try {
		await optimizer.setWeights(specs.map((s) => ({ name: s.name, tensor: state[s.name] })));
		const vars = powerVariables(optimizer);
		const powers = checkpoint.adamPowers;
		if (vars && powers) tf.tidy(() => vars.forEach((v, i) => v.assign(tf.scalar(powers[i]))));
	} finally {
		tf.dispose(Object.values(state));
	}
}
