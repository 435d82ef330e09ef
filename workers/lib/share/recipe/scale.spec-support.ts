// Node-only helpers for the scale script and the recipe specs.
import type { Table, TrainConfig } from '$workers/protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { loadDataset } from '../share.spec-support';

const featuresOf = (file: string, target: string) => loadDataset(file).columns.map((c) => c.name).filter((n) => n !== target);

export function sliceRows(table: Table, rows: Int32Array): Table {
	return {
		rowCount: rows.length,
		columns: table.columns.map((c) => (c.kind === 'numeric' ? { ...c, values: Float64Array.from(rows, (r) => c.values[r]) } : { ...c, codes: Int32Array.from(rows, (r) => c.codes[r]) }))
	};
}

export interface ScaleCase {
	name: string;
	file: string;
	config: TrainConfig;
	shardRows: number;
}

/**
 * How far the imported PyTorch run's holdout metric may be from Kiln's own: the two start from
 * different random weights, dropout masks and batch orders, so a classifier may differ by two
 * holdout rows or 3 points of accuracy (the larger), a regressor by 5 % of Kiln's RMSE.
 */
export function scaleTolerance(task: 'classification' | 'regression', holdoutRows: number, kilnMetric: number): number {
	return task === 'classification' ? Math.max(2 / holdoutRows, 0.03) + 1e-9 : 0.05 * kilnMetric;
}

const PENGUIN_FEATURES = ['island', 'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'sex'];

/**
 * Option combinations run by scripts/test-scale.sh: each trains in Kiln (tfjs) and under
 * torchrun from the exported recipe. Together they use every MLP option: all five activations,
 * dropout, batch-norm, Adam / AdamW / SGD (Nesterov), step and cosine schedules with warm-up,
 * early stopping, class weights and over-sampling, classification and regression.
 */
export const SCALE_CASES: ScaleCase[] = [
	{
		// Kiln's default MLP (relu 32-16, Adam 0.01, early stopping), which the first recipe version covered.
		name: 'breast-cancer-default',
		file: 'breast-cancer.csv',
		config: { ...DEFAULT_CONFIG, target: 'diagnosis', task: 'classification', features: featuresOf('breast-cancer.csv', 'diagnosis') },
		shardRows: 150
	},
	{
		name: 'penguins-tanh-bn-sgd',
		file: 'penguins.csv',
		config: {
			...DEFAULT_CONFIG,
			target: 'species',
			task: 'classification',
			features: PENGUIN_FEATURES,
			hiddenLayers: [16, 8],
			epochs: 40,
			learningRate: 0.05,
			balance: 'class-weights',
			mlp: { activation: 'tanh', batchNorm: true, dropout: [0.1], optimizer: 'sgd', momentum: 0.9, nesterov: true, schedule: 'step', stepEvery: 10, stepFactor: 0.5, warmupEpochs: 2 }
		},
		shardRows: 100
	},
	{
		name: 'penguins-mass-gelu-adamw',
		file: 'penguins.csv',
		config: {
			...DEFAULT_CONFIG,
			target: 'body_mass_g',
			task: 'regression',
			features: ['species', ...PENGUIN_FEATURES],
			hiddenLayers: [16],
			epochs: 40,
			learningRate: 0.01,
			mlp: { activation: 'gelu', batchNorm: true, optimizer: 'adamw', weightDecay: 0.05, schedule: 'cosine', warmupEpochs: 3 }
		},
		shardRows: 120
	},
	{
		name: 'wine-elu-oversample',
		file: 'wine.csv',
		config: {
			...DEFAULT_CONFIG,
			target: 'cultivar',
			task: 'classification',
			features: ['alcohol', 'malic_acid', 'ash', 'alcalinity_of_ash', 'magnesium', 'total_phenols', 'flavanoids', 'nonflavanoid_phenols', 'proanthocyanins', 'color_intensity', 'hue', 'od280_od315_of_diluted_wines', 'proline'],
			hiddenLayers: [16],
			epochs: 40,
			learningRate: 0.005,
			balance: 'oversample',
			mlp: { activation: 'elu', dropout: [0.2], optimizer: 'adam', schedule: 'cosine' }
		},
		shardRows: 50
	},
	{
		name: 'iris-sigmoid-sgd',
		file: 'iris.csv',
		config: {
			...DEFAULT_CONFIG,
			target: 'species',
			task: 'classification',
			features: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
			hiddenLayers: [12],
			epochs: 60,
			learningRate: 0.1,
			patience: 0,
			validationFraction: 0,
			mlp: { activation: 'sigmoid', optimizer: 'sgd', momentum: 0.9 }
		},
		shardRows: 200,
	}
];
