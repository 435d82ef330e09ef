import { createAccountant, sigmaFor } from '$workers/lib/trust/rdp';
import { KilnError } from '$shared/errors';

export const formatEpsilon = (e: number) => (Number.isFinite(e) ? (e >= 100 ? e.toFixed(0) : e >= 10 ? e.toFixed(1) : e.toFixed(2)) : '∞');

/**
 * Rows the training part of the split gets, as threeWaySplit takes them (holdout first, then the
 * validation share of the rest), without stratification's per-class rounding: it can be off by a
 * row or two per class, which moves ε in its third digit. The worker's accountant uses the exact count.
 */
export function trainRowsAbout(rows: number, holdoutFraction: number, validationFraction: number): number {
	const afterHoldout = rows - Math.round(rows * holdoutFraction);
	return afterHoldout - Math.round(afterHoldout * validationFraction);
}

export interface PrivacyPlan {
	trainRows: number;
	sampleRate: number;
	stepsPerEpoch: number;
	steps: number;
	noiseMultiplier: number;
	/** ε after every planned step, at δ. */
	epsilon: number;
	/** RDP order that gave ε. */
	order: number;
	/** ε after each epoch (for the plot). */
	perEpoch: number[];
}

/**
 * What the accountant says before training: the sampling rate, steps and ε the planned run will
 * spend, or the noise a target ε needs. The same accountant the worker uses (workers/lib/trust/rdp).
 */
export function planPrivacy(input: { trainRows: number; batchSize: number; epochs: number; delta: number } & ({ noiseMultiplier: number } | { targetEpsilon: number })): PrivacyPlan {
	const { trainRows, batchSize, epochs, delta } = input;
	if (trainRows < 1) throw new KilnError('PrivacyError', 'No rows are left for training after the holdout and validation shares.');
	if (batchSize > trainRows) throw new KilnError('PrivacyError', `The batch size (${batchSize}) is larger than the about ${trainRows} training rows; lower it.`);
	if (!(delta > 0 && delta < 1)) throw new KilnError('PrivacyError', 'δ must be between 0 and 1 (e.g. 1e-5); a useful δ is below 1 / the number of rows.');
	const sampleRate = batchSize / trainRows;
	const stepsPerEpoch = Math.max(1, Math.round(1 / sampleRate));
	const steps = stepsPerEpoch * epochs;
	const noiseMultiplier = 'noiseMultiplier' in input ? input.noiseMultiplier : sigmaFor(input.targetEpsilon, sampleRate, steps, delta);
	if (!(noiseMultiplier > 0)) throw new KilnError('PrivacyError', 'The noise multiplier must be above 0 (σ ≈ 1 is a common start).');
	const accountant = createAccountant(sampleRate, noiseMultiplier, delta);
	const { epsilon, order } = accountant.spent(steps);
	const perEpoch = Array.from({ length: epochs }, (_, e) => accountant.spent((e + 1) * stepsPerEpoch).epsilon);
	return { trainRows, sampleRate, stepsPerEpoch, steps, noiseMultiplier, epsilon, order, perEpoch };
}
