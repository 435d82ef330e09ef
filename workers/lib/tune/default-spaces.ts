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
	 * model is fitted in one go (trees, k-NN, naive Bayes), where only plain search applies.
	 */
	budget: { unit: 'epochs' | 'rounds'; min: number; max: number } | null;
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
		budget: { unit: 'epochs', min: 3, max: 81 }
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
			nEstimators: { type: 'int', low: 20, high: 300, log: true },
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
			maxDepth: { type: 'int', low: 2, high: 8 },
			minChildWeight: { type: 'float', low: 1, high: 32, log: true },
			subsample: { type: 'float', low: 0.5, high: 1 },
			colsampleByTree: { type: 'float', low: 0.5, high: 1 },
			l2: { type: 'float', low: 1e-3, high: 10, log: true }
		},
		budget: { unit: 'rounds', min: 10, max: 270 }
	},
	knn: {
		space: {
			k: { type: 'int', low: 1, high: 64, log: true },
			weights: { type: 'categorical', choices: ['uniform', 'distance'] },
			metric: { type: 'categorical', choices: ['euclidean', 'manhattan'] }
		},
		budget: null
	},
	'naive-bayes': {
		space: {
			/** Gaussian NB: share of the largest variance added to every variance (scikit-learn's var_smoothing). */
			varSmoothing: { type: 'float', low: 1e-12, high: 1e-3, log: true },
			/** Additive (Laplace) smoothing for categorical features. */
			alpha: { type: 'float', low: 1e-3, high: 10, log: true }
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
