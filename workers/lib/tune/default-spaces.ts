import { KilnError } from '$shared/errors';
import type { SearchSpace } from './types';

/**
 * What a search over each model family tunes by default, and what its training budget counts.
 * Plain data: add a family or a parameter by adding an entry. Parameter names follow the
 * training config keys where one exists (learningRate, l2, batchSize); an MLP's hidden layers
 * are `hiddenLayerCount` layers of `hiddenUnits` each (hiddenLayers = Array(count).fill(units)).
 * Ranges are the usual starting ranges (scikit-learn / XGBoost / Optuna examples) narrowed to
 * what trains in seconds in a browser on small tabular data.
 */
export interface FamilyDefaults {
	space: SearchSpace;
	/**
	 * What ASHA may cut short: epochs for networks, boosting rounds for boosting; null when the
	 * model is fitted in one go (trees, k-NN, naive Bayes, the solver-fitted linear model), where
	 * only plain search applies. The classic families' parameter names are their params' keys
	 * (workers/lib/models/types.ts); what a space leaves out keeps the family's default.
	 */
	budget: { unit: 'epochs' | 'rounds'; min: number; max: number } | null;
	/**
	 * Further dimensions the editor offers switched off (a trial keeps the base config's value
	 * until a person ticks them): searching everything at once needs many more trials.
	 */
	optional?: SearchSpace;
}

export const DEFAULT_SPACES: Record<string, FamilyDefaults> = {
	linear: {
		space: {
			learningRate: { type: 'float', low: 1e-3, high: 0.3, log: true },
			l2: { type: 'float', low: 1e-6, high: 1e-1, log: true },
			batchSize: { type: 'categorical', choices: [16, 32, 64, 128] }
		},
		budget: { unit: 'epochs', min: 3, max: 81 }
	},
	mlp: {
		space: {
			learningRate: { type: 'float', low: 1e-4, high: 3e-2, log: true },
			l2: { type: 'float', low: 1e-6, high: 1e-2, log: true },
			hiddenLayerCount: { type: 'int', low: 1, high: 3 },
			hiddenUnits: { type: 'int', low: 8, high: 256, log: true },
			batchSize: { type: 'categorical', choices: [16, 32, 64, 128] },
			/** The MLP's hidden activation and one dropout rate for every hidden layer (config.mlp). */
			activation: { type: 'categorical', choices: ['relu', 'tanh', 'elu'] },
			dropout: { type: 'float', low: 0, high: 0.5 }
		},
		budget: { unit: 'epochs', min: 3, max: 81 },
		/**
		 * The MLP's optimiser and rate schedule (config.mlp). "nesterov" is SGD with Nesterov
		 * momentum; weight decay is AdamW's (unused by the others); warm-up is capped below a
		 * trial's epochs.
		 */
		optional: {
			optimizer: { type: 'categorical', choices: ['adam', 'adamw', 'sgd', 'nesterov'] },
			schedule: { type: 'categorical', choices: ['constant', 'step', 'cosine'] },
			warmupEpochs: { type: 'int', low: 0, high: 3 },
			weightDecay: { type: 'float', low: 1e-4, high: 0.1, log: true },
			momentum: { type: 'float', low: 0.5, high: 0.99 },
			batchNorm: { type: 'categorical', choices: [false, true] }
		}
	},
	'classic-linear': {
		space: {
			penalty: { type: 'categorical', choices: ['l2', 'l1', 'elasticnet'] },
			/** Penalty strength on the mean loss (1/(C·rows) in scikit-learn's terms); a log range. */
			alpha: { type: 'float', low: 1e-5, high: 1, log: true },
			l1Ratio: { type: 'float', low: 0.05, high: 0.95 }
		},
		budget: null
	},
	tree: {
		space: {
			maxDepth: { type: 'int', low: 2, high: 16 },
			minSamplesLeaf: { type: 'int', low: 1, high: 64, log: true },
			minSamplesSplit: { type: 'int', low: 2, high: 64, log: true }
		},
		budget: null
	},
	forest: {
		space: {
			nTrees: { type: 'int', low: 20, high: 200, log: true },
			maxDepth: { type: 'int', low: 3, high: 20 },
			minSamplesLeaf: { type: 'int', low: 1, high: 32, log: true },
			/** Share of the features tried at each split. */
			maxFeatures: { type: 'float', low: 0.1, high: 1 },
			bootstrap: { type: 'categorical', choices: [true, false] }
		},
		budget: null
	},
	boosting: {
		space: {
			learningRate: { type: 'float', low: 0.01, high: 0.3, log: true },
			maxLeafNodes: { type: 'int', low: 4, high: 64, log: true },
			minSamplesLeaf: { type: 'int', low: 2, high: 64, log: true },
			l2Regularization: { type: 'float', low: 1e-3, high: 10, log: true }
		},
		budget: { unit: 'rounds', min: 10, max: 270 }
	},
	knn: {
		space: {
			k: { type: 'int', low: 1, high: 64, log: true },
			weights: { type: 'categorical', choices: ['uniform', 'distance'] }
		},
		budget: null
	},
	/**
	 * An image run (a CNN preset or transfer on the shipped backbone, TrainConfig.vision): dropout
	 * sets every dropout layer of a scratch preset; augmentation is on (the run's own mix, or mild
	 * rotation, shift, brightness and contrast) or off. Epochs cost seconds to minutes each.
	 */
	image: {
		space: {
			learningRate: { type: 'float', low: 3e-4, high: 1e-2, log: true },
			batchSize: { type: 'categorical', choices: [16, 32, 64] },
			dropout: { type: 'float', low: 0, high: 0.5 },
			augment: { type: 'categorical', choices: [false, true] }
		},
		budget: { unit: 'epochs', min: 1, max: 9 },
		optional: { preset: { type: 'categorical', choices: ['tiny', 'small', 'medium'] } }
	},
	/** A neural text classifier (TrainConfig.text): which network, its embedding size and rate. */
	text: {
		space: {
			textModel: { type: 'categorical', choices: ['embedding-bag', 'cnn', 'rnn', 'transformer'] },
			embeddingDim: { type: 'categorical', choices: [16, 32, 64, 128] },
			learningRate: { type: 'float', low: 1e-3, high: 3e-2, log: true }
		},
		budget: { unit: 'epochs', min: 1, max: 9 },
		optional: {
			dropout: { type: 'float', low: 0, high: 0.5 },
			batchSize: { type: 'categorical', choices: [16, 32, 64] }
		}
	},
	'naive-bayes': {
		space: {
			/** Gaussian NB: share of the largest variance added to every variance (scikit-learn's var_smoothing). */
			varSmoothing: { type: 'float', low: 1e-12, high: 1e-3, log: true }
		},
		budget: null
	}
};

/** A copy of a family's defaults to edit, or a clear error for a family without any. */
export function familyDefaults(family: string): FamilyDefaults {
	const found = Object.hasOwn(DEFAULT_SPACES, family) ? DEFAULT_SPACES[family] : undefined;
	if (!found) throw new KilnError('SearchError', `There is no default search space for the model family "${family}"; known families: ${Object.keys(DEFAULT_SPACES).join(', ')}.`);
	return structuredClone(found);
}
