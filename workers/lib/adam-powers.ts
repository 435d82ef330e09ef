import * as tf from '@tensorflow/tfjs-core';

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

export async function adamPowers(optimizer: tf.Optimizer): Promise<[number, number] | undefined> {
	const vars = powerVariables(optimizer);
	return vars && [(await vars[0].data())[0], (await vars[1].data())[0]];
}

/** Put a checkpoint's β powers back after `optimizer.setWeights` (which recomputed them with pow). */
export function restoreAdamPowers(optimizer: tf.Optimizer, powers: readonly [number, number] | undefined): void {
	const vars = powerVariables(optimizer);
	if (vars && powers) tf.tidy(() => vars.forEach((v, i) => v.assign(tf.scalar(powers[i]))));
}
