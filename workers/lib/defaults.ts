import type { TrainConfig } from '../protocol';

/** Defaults that reach the bars in the tests (iris ≥ 0.90, breast cancer ≥ 0.95 holdout accuracy). */
export const DEFAULT_CONFIG: Omit<TrainConfig, 'target' | 'task' | 'features'> = {
	model: 'mlp',
	hiddenLayers: [32, 16],
	epochs: 60,
	learningRate: 0.01,
	l2: 0.001,
	batchSize: 32,
	seed: 42,
	holdoutFraction: 0.2
};
