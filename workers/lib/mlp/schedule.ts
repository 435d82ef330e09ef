import type { ResolvedMlpOptions } from '$shared/mlp-options';

export interface SchedulePosition {
	/** 1-based epoch. */
	epoch: number;
	/** 0-based batch within the epoch. */
	batch: number;
	batchesPerEpoch: number;
	epochs: number;
}

/**
 * The learning rate for one optimiser step: a pure function of where the step falls in the run,
 * so a resumed run picks up the schedule exactly where it stopped (the checkpoint's epoch is the
 * whole state). Warm-up climbs linearly per step to the base rate over `warmupEpochs`; then
 * step decay multiplies by `stepFactor` every `stepEvery` epochs, and cosine anneals per step
 * from the base rate towards 0 at the last step (torch's CosineAnnealingLR with eta_min 0).
 */
export function learningRateAt(base: number, options: Pick<ResolvedMlpOptions, 'schedule' | 'stepEvery' | 'stepFactor' | 'warmupEpochs'>, at: SchedulePosition): number {
	const step = (at.epoch - 1) * at.batchesPerEpoch + at.batch;
	const warmupSteps = options.warmupEpochs * at.batchesPerEpoch;
	if (step < warmupSteps) return (base * (step + 1)) / warmupSteps;
	if (options.schedule === 'step') {
		const epochsAfter = at.epoch - 1 - options.warmupEpochs;
		return base * options.stepFactor ** Math.floor(epochsAfter / options.stepEvery);
	}
	if (options.schedule === 'cosine') {
		const total = at.epochs * at.batchesPerEpoch - warmupSteps;
		const progress = total > 0 ? (step - warmupSteps) / total : 0;
		return 0.5 * base * (1 + Math.cos(Math.PI * progress));
	}
	return base;
}
