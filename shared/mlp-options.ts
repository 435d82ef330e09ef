/**
 * The MLP's training options beyond layer widths. Every field is optional in a stored config:
 * configs saved before these existed resolve to what those runs did (relu, no dropout, no
 * batch-norm, Adam at a constant rate), so old runs resume and reproduce unchanged.
 */
export const MLP_ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'elu', 'gelu'] as const;
export type MlpActivation = (typeof MLP_ACTIVATIONS)[number];
export const MLP_OPTIMIZERS = ['adam', 'adamw', 'sgd'] as const;
export type MlpOptimizer = (typeof MLP_OPTIMIZERS)[number];
export const LR_SCHEDULES = ['constant', 'step', 'cosine'] as const;
export type LrSchedule = (typeof LR_SCHEDULES)[number];

export interface MlpOptions {
	activation?: MlpActivation;
	/** Dropout rate after each hidden layer: one value for all, or one per hidden layer. */
	dropout?: number[];
	/** Batch normalisation between each hidden Dense layer and its activation. */
	batchNorm?: boolean;
	optimizer?: MlpOptimizer;
	/** SGD's momentum (0 = plain SGD). */
	momentum?: number;
	nesterov?: boolean;
	/** AdamW's decoupled weight decay: each step shrinks kernels by rate × decay, outside the loss. */
	weightDecay?: number;
	schedule?: LrSchedule;
	/** Step decay: multiply the rate by stepFactor every stepEvery epochs (after warm-up). */
	stepEvery?: number;
	stepFactor?: number;
	/** Epochs over which the rate climbs linearly from near 0 to its base value. */
	warmupEpochs?: number;
}

export type ResolvedMlpOptions = Required<MlpOptions>;

export const DEFAULT_MLP_OPTIONS: ResolvedMlpOptions = {
	activation: 'relu',
	dropout: [0],
	batchNorm: false,
	optimizer: 'adam',
	momentum: 0.9,
	nesterov: false,
	weightDecay: 0.01,
	schedule: 'constant',
	stepEvery: 10,
	stepFactor: 0.5,
	warmupEpochs: 0
};

export function resolveMlpOptions(options: MlpOptions | undefined): ResolvedMlpOptions {
	const out = { ...DEFAULT_MLP_OPTIONS };
	for (const [key, value] of Object.entries(options ?? {})) if (value !== undefined) (out as Record<string, unknown>)[key] = value;
	return out;
}

/** True when the options train exactly as Kiln did before they existed (the fast dense path applies). */
export function isPlainMlp(options: MlpOptions | undefined): boolean {
	const o = resolveMlpOptions(options);
	return o.activation === 'relu' && o.dropout.every((r) => r === 0) && !o.batchNorm && o.optimizer === 'adam' && o.schedule === 'constant' && o.warmupEpochs === 0;
}

/** The options, other than the activation, that differ from the defaults, named for a log line (null: none). */
export function ignoredMlpOptions(options: MlpOptions | undefined): string | null {
	const o = resolveMlpOptions(options);
	const names = [
		o.dropout.some((r) => r > 0) && 'dropout',
		o.batchNorm && 'batch-norm',
		o.optimizer !== 'adam' && `the ${o.optimizer === 'sgd' ? 'SGD' : 'AdamW'} optimiser`,
		o.schedule !== 'constant' && `the ${o.schedule} rate schedule`,
		o.warmupEpochs > 0 && 'warm-up'
	].filter((n): n is string => !!n);
	return names.length > 0 ? names.join(', ') : null;
}

/** The options that differ from the defaults, in a few words each (for run lists). */
export function describeMlpOptions(options: MlpOptions | undefined): string[] {
	const o = resolveMlpOptions(options);
	const parts: string[] = [];
	if (o.activation !== 'relu') parts.push(o.activation);
	if (o.dropout.some((r) => r > 0)) parts.push(`dropout ${o.dropout.join('/')}`);
	if (o.batchNorm) parts.push('batch-norm');
	if (o.optimizer === 'sgd') parts.push(`SGD${o.nesterov ? ' Nesterov' : ''} m ${o.momentum}`);
	if (o.optimizer === 'adamw') parts.push(`AdamW ${o.weightDecay}`);
	if (o.schedule !== 'constant') parts.push(o.schedule === 'step' ? `step ×${o.stepFactor}/${o.stepEvery}` : 'cosine');
	if (o.warmupEpochs > 0) parts.push(`warm-up ${o.warmupEpochs}`);
	return parts;
}

/** The dropout rate after hidden layer `i`. */
export function dropoutAt(options: ResolvedMlpOptions, i: number): number {
	return options.dropout.length === 1 ? options.dropout[0] : (options.dropout[i] ?? 0);
}

export type MlpProblems = Partial<Record<keyof MlpOptions, string>>;

/** Every out-of-range option, with a message to show beside its field. */
export function mlpProblems(options: MlpOptions | undefined, hiddenLayers: number[], epochs: number): MlpProblems {
	const o = resolveMlpOptions(options);
	const problems: MlpProblems = {};
	if (!MLP_ACTIVATIONS.includes(o.activation)) problems.activation = `One of ${MLP_ACTIVATIONS.join(', ')}.`;
	if (o.dropout.length === 0 || o.dropout.some((r) => !(r >= 0 && r <= 0.9))) problems.dropout = 'Rates from 0 to 0.9: one for every hidden layer, or one per layer separated by commas.';
	else if (o.dropout.length > 1 && o.dropout.length !== hiddenLayers.length) problems.dropout = `Give one rate, or exactly ${hiddenLayers.length} (one per hidden layer).`;
	if (!MLP_OPTIMIZERS.includes(o.optimizer)) problems.optimizer = `One of ${MLP_OPTIMIZERS.join(', ')}.`;
	if (!(o.momentum >= 0 && o.momentum < 1)) problems.momentum = 'A number from 0 to below 1; 0.9 is usual.';
	if (o.nesterov && o.momentum === 0 && o.optimizer === 'sgd') problems.nesterov = 'Nesterov needs a momentum above 0.';
	if (!(o.weightDecay >= 0 && o.weightDecay <= 1)) problems.weightDecay = 'A number from 0 to 1; 0.01 is usual for AdamW.';
	if (!LR_SCHEDULES.includes(o.schedule)) problems.schedule = `One of ${LR_SCHEDULES.join(', ')}.`;
	if (!Number.isSafeInteger(o.stepEvery) || o.stepEvery < 1 || o.stepEvery > 10_000) problems.stepEvery = 'A whole number of epochs from 1.';
	if (!(o.stepFactor > 0 && o.stepFactor <= 1)) problems.stepFactor = 'A factor above 0 and at most 1, e.g. 0.5.';
	if (!Number.isSafeInteger(o.warmupEpochs) || o.warmupEpochs < 0) problems.warmupEpochs = 'A whole number of epochs from 0 (off).';
	else if (o.warmupEpochs >= epochs) problems.warmupEpochs = `Fewer warm-up epochs than the run's ${epochs} epochs.`;
	return problems;
}
