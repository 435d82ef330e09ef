import type { ClassicFamily, ClassicSpec, TrainConfig } from '$workers/protocol';

/** Families whose fit weighs rows (tree impurity, boosting gradients and hessians, the linear solver's loss); the others balance by resampling. */
export const WEIGHTED_FAMILIES: readonly ClassicFamily[] = ['tree', 'forest', 'boosting', 'linear'];

/**
 * Class weights for a family that takes no row weights become random oversampling to the largest
 * class: both give every class the same total say in the fit (the weights scale each class to
 * n/k, oversampling to the majority count), so "class weights" means the same for every family.
 */
export function classicBalanceConfig(config: TrainConfig, family: ClassicFamily): { config: TrainConfig; note: string | null } {
	if (config.balance !== 'class-weights' || WEIGHTED_FAMILIES.includes(family)) return { config, note: null };
	return { config: { ...config, balance: 'oversample' }, note: `Class weights: this family takes no row weights, so the minority classes' training rows are oversampled to the largest class instead (the same share of the fit per class).` };
}

type RunBase = Pick<TrainConfig, 'target' | 'task' | 'features' | 'seed' | 'holdoutFraction' | 'validationFraction' | 'split' | 'balance'>;

/** What makes every Find candidate train, validate and hold out the same rows for the same target. */
function rowsAndTarget(base: RunBase): RunBase {
	return {
		...(base.split ? { split: base.split } : {}),
		...(base.balance && base.balance !== 'none' ? { balance: base.balance } : {}),
		target: base.target,
		task: base.task,
		features: base.features,
		seed: base.seed,
		holdoutFraction: base.holdoutFraction,
		validationFraction: base.validationFraction
	};
}

/**
 * A run config for a classic family. The network-only settings get neutral values that pass the
 * shared checks (one "epoch", no early stopping) and are not used; the split, balancing and seed
 * are the ones an MLP run would use, so the two compare on the same rows.
 */
export function classicConfig(base: RunBase, classic: ClassicSpec): TrainConfig {
	return {
		...rowsAndTarget(base),
		model: 'linear',
		hiddenLayers: [],
		epochs: 1,
		learningRate: 0.01,
		l2: 0,
		batchSize: 32,
		patience: 0,
		classic
	};
}

/**
 * The MLP "Find a model" cross-validates, and trains when kept: the studio's default network
 * (two hidden layers 32-16, ReLU, Adam 0.01, L2 0.001, batch 32) on a small budget of 30 epochs, and
 * no early stopping (in a fold the scored rows must not choose the epoch).
 */
export function findMlpConfig(base: RunBase): TrainConfig {
	return {
		...rowsAndTarget(base),
		model: 'mlp',
		hiddenLayers: [32, 16],
		epochs: FIND_MLP_EPOCHS,
		learningRate: 0.01,
		l2: 0.001,
		batchSize: 32,
		patience: 0
	};
}

/** The MLP's budget in "Find a model". */
export const FIND_MLP_EPOCHS = 30;
