import type { ClassicFamily, ClassicSpec, ModelKind, TrainConfig, TrialMetric, TrialParams, TuneFamily } from '$workers/protocol';
import { defaultParams } from '$workers/lib/models/params';
import { classicConfig } from '$workers/lib/model-lab/config';
import { DEFAULT_SPACES } from '$workers/lib/tune/default-spaces';
import { dropoutAt, resolveMlpOptions } from '$shared/mlp-options';
import { MLP_OPTION_PARAMS, mlpOptionsFrom, mlpOptionValue } from './mlp-params';
import { MEDIA_PARAMS, mediaValue, textModelFrom, visionFrom } from './media-params';
import { KilnError } from '$shared/errors';
import { formatNumber } from '../evaluate/format';
import type { TextNeuralSettings } from '$workers/protocol';

const missing = (kind: string): never => {
	throw new KilnError('SearchError', `A search over ${kind === 'image' ? 'images' : 'texts'} needs a base ${kind} run config; start it from the Tune page of such a dataset.`);
};
function neural(base: TrainConfig): TextNeuralSettings {
	const model = base.text?.model;
	if (!model || model.family === 'tfidf') throw new KilnError('SearchError', 'A text search tunes the neural text classifiers; its base config must be one.');
	return model;
}

/**
 * How a search's parameters become a training config, per model family. Parameters named after
 * a config key (learningRate, l2, batchSize, and whatever a new family's config adds) are copied
 * as they are; a family lists only what differs, so a new family is one entry here plus its
 * default space in the tune library's DEFAULT_SPACES.
 */
interface FamilyTuning {
	label: string;
	apply?: (params: TrialParams, base: TrainConfig, epochs: number) => Partial<TrainConfig>;
	/** Parameters `apply` consumes (not copied into the config). */
	consumes?: string[];
}

export const FAMILIES: Partial<Record<ModelKind, FamilyTuning>> = {
	linear: { label: 'Linear / logistic regression' },
	mlp: {
		label: 'Neural network (MLP)',
		consumes: ['hiddenLayerCount', 'hiddenUnits', ...MLP_OPTION_PARAMS],
		apply: (params, base, epochs) => {
			const count = Number(params.hiddenLayerCount ?? base.hiddenLayers.length) || 1;
			const units = Number(params.hiddenUnits ?? base.hiddenLayers[0] ?? 32);
			const mlp = mlpOptionsFrom(params, base.mlp, epochs);
			return { hiddenLayers: Array.from({ length: count }, () => units), ...(Object.keys(mlp).length > 0 ? { mlp } : {}) };
		}
	}
};

/**
 * The classic families a search can tune, by the Train form's names, with the family each fits.
 * Their trials are classic runs: the searched parameters over the family's defaults.
 */
export const CLASSIC_TUNING: Partial<Record<TuneFamily, { label: string; family: ClassicFamily }>> = {
	'classic-linear': { label: 'Linear / logistic regression (solver)', family: 'linear' },
	tree: { label: 'Decision tree', family: 'tree' },
	forest: { label: 'Random forest', family: 'forest' },
	boosting: { label: 'Gradient boosting', family: 'boosting' },
	knn: { label: 'k-nearest neighbours', family: 'knn' },
	'naive-bayes': { label: 'Gaussian naive Bayes', family: 'gaussian-nb' }
};

/** Image and text runs: searched through their own run code; the dataset decides which one applies. */
export const MEDIA_TUNING: Partial<Record<TuneFamily, { label: string }>> = {
	image: { label: 'Image model (CNN preset or transfer)' },
	text: { label: 'Neural text classifier' }
};

/** What a project's dataset is: a table, images, or texts (a text column beside the target). */
export type DataKind = 'table' | 'images' | 'text';

export const tunableFamilies = (task: TrainConfig['task'] = 'classification', kind: DataKind = 'table'): TuneFamily[] =>
	kind === 'images' ? ['image'] : kind === 'text' ? ['text'] : [...(Object.keys(FAMILIES) as ModelKind[]), ...(Object.keys(CLASSIC_TUNING) as TuneFamily[]).filter((f) => task === 'classification' || f !== 'naive-bayes')];
/** What a family's trial budget counts (null: fitted in one go). */
export const familyBudgetUnit = (family: TuneFamily): 'epochs' | 'rounds' | null => (Object.hasOwn(DEFAULT_SPACES, family) ? DEFAULT_SPACES[family].budget?.unit ?? null : 'epochs');
export const familyLabel = (family: TuneFamily): string => FAMILIES[family as ModelKind]?.label ?? CLASSIC_TUNING[family]?.label ?? MEDIA_TUNING[family]?.label ?? family;

/** Labels and help for the parameters of every family's default space. */
export const PARAM_LABELS: Record<string, { label: string; help: string }> = {
	learningRate: { label: 'Learning rate', help: 'Adam’s step size; a log range, as good values span decades.' },
	l2: { label: 'L2 penalty', help: 'Weight decay on the kernels; a log range.' },
	batchSize: { label: 'Batch size', help: 'Rows per weight update.' },
	hiddenLayerCount: { label: 'Hidden layers', help: 'How many hidden layers, each of the same width.' },
	hiddenUnits: { label: 'Units per layer', help: 'Width of each hidden layer; a log range.' },
	activation: { label: 'Activation', help: 'The hidden layers’ non-linearity.' },
	dropout: { label: 'Dropout', help: 'Share of hidden units switched off in each training step (same for every hidden layer).' },
	optimizer: { label: 'Optimiser', help: 'adam, adamw (decoupled weight decay), sgd (with momentum) or nesterov (SGD with Nesterov momentum).' },
	schedule: { label: 'Rate schedule', help: 'constant, step (× the step factor every few epochs) or cosine (annealed to 0 at the trial’s last epoch).' },
	warmupEpochs: { label: 'Warm-up epochs', help: 'Epochs over which the rate climbs from near 0; kept below each trial’s epochs.' },
	weightDecay: { label: 'Weight decay', help: 'AdamW’s decoupled decay per step (used with adamw only); a log range.' },
	momentum: { label: 'Momentum', help: 'SGD’s momentum (used with sgd and nesterov only).' },
	batchNorm: { label: 'Batch-norm', help: 'Normalise each hidden layer’s inputs over the batch (true / false).' },
	augment: { label: 'Augmentation', help: 'true: the run’s own augmentation (or mild rotation, shift, brightness and contrast); false: none.' },
	preset: { label: 'CNN preset', help: 'tiny, small or medium (scratch runs; transfer runs keep the backbone).' },
	textModel: { label: 'Text network', help: 'embedding-bag, cnn, rnn (LSTM/GRU) or transformer, each at its usual width.' },
	embeddingDim: { label: 'Embedding size', help: 'Numbers per token; sizes other than 100 learn their own vectors.' },
	penalty: { label: 'Penalty', help: 'L2 (ridge), L1 (lasso: sets weak coefficients to 0) or a mix of both.' },
	alpha: { label: 'Penalty strength α', help: 'Larger is simpler (α = 1/(C·rows) in scikit-learn’s terms); a log range.' },
	l1Ratio: { label: 'L1 share', help: 'The elastic net’s share of L1 (used by that penalty only).' },
	maxDepth: { label: 'Max depth', help: 'How many questions a tree may ask in a row.' },
	minSamplesLeaf: { label: 'Min rows per leaf', help: 'Larger leaves average more rows and overfit less.' },
	minSamplesSplit: { label: 'Min rows to split', help: 'A node with fewer rows becomes a leaf.' },
	nTrees: { label: 'Trees', help: 'More trees vote more steadily and fit more slowly.' },
	maxFeatures: { label: 'Features per split', help: 'Share of the inputs each split may choose from; fewer decorrelate the trees.' },
	bootstrap: { label: 'Bootstrap', help: 'Each tree learns from a resample of the rows.' },
	maxLeafNodes: { label: 'Leaves per tree', help: 'Leaf-wise growth up to this many leaves.' },
	l2Regularization: { label: 'L2 on leaf values', help: 'Shrinks the leaves’ values; a log range.' },
	k: { label: 'Neighbours k', help: 'How many nearest training rows vote.' },
	weights: { label: 'Vote weights', help: 'uniform: one vote each; distance: nearer rows count more.' },
	varSmoothing: { label: 'Variance smoothing', help: 'Share of the largest variance added to each; a log range.' }
};
export const paramLabel = (name: string) => PARAM_LABELS[name]?.label ?? name;

/** The base config's value of a parameter, shown when it is not searched. */
export function baseValue(base: TrainConfig, name: string): string {
	const media = mediaValue(base, name);
	if (media !== undefined) return media;
	if (base.classic) {
		const value = (base.classic.params as unknown as Record<string, unknown>)[name];
		return value === undefined ? '—' : value === null ? 'no limit' : String(value);
	}
	if (name === 'hiddenLayerCount') return String(base.hiddenLayers.length);
	if (name === 'hiddenUnits') return String(base.hiddenLayers[0] ?? '—');
	if (name === 'dropout') return String(dropoutAt(resolveMlpOptions(base.mlp), 0));
	const option = mlpOptionValue(base.mlp, name);
	if (option !== undefined) return option;
	const value = (base as unknown as Record<string, unknown>)[name];
	return value === undefined ? '—' : String(value);
}

/**
 * The config a trial trains with: the base config, the family's parameters, `epochs` epochs and
 * no early stopping (the search's budget and ASHA decide when a trial stops), so a trial's score
 * is the model after exactly that many epochs and the final run can reproduce it.
 */
export function trialConfig(base: TrainConfig, family: TuneFamily, params: TrialParams, epochs: number): TrainConfig {
	if (family === 'image' || family === 'text') {
		const copied = Object.fromEntries(Object.entries(params).filter(([name]) => !(MEDIA_PARAMS as readonly string[]).includes(name)));
		const own = family === 'image' ? { vision: visionFrom(params, base.vision ?? missing('image')) } : { text: { ...(base.text ?? missing('text')), model: textModelFrom(params, neural(base)) } };
		return { ...base, ...copied, ...own, epochs, patience: 0 };
	}
	const classic = CLASSIC_TUNING[family];
	if (classic) {
		// Boosting's budget is its rounds (ASHA cuts weak trials short); other families fit in one go.
		const rounds = classic.family === 'boosting' ? { maxIter: epochs } : {};
		const spec = { family: classic.family, params: { ...defaultParams(classic.family, base.task), ...params, ...rounds } } as ClassicSpec;
		return classicConfig(base, spec);
	}
	const tuning = FAMILIES[family as ModelKind] ?? { label: family };
	const copied = Object.fromEntries(Object.entries(params).filter(([name]) => !tuning.consumes?.includes(name)));
	return { ...base, model: family as ModelKind, ...copied, ...(tuning.apply?.(params, base, epochs) ?? {}), epochs, patience: 0 };
}

export interface MetricChoice {
	metric: TrialMetric;
	label: string;
	direction: 'minimize' | 'maximize';
}

/** Validation figures a trial can be scored by (from its per-epoch history). */
export function metricChoices(task: TrainConfig['task']): MetricChoice[] {
	return [
		{ metric: 'valLoss', label: task === 'classification' ? 'validation log loss' : 'validation loss (MSE, standardised)', direction: 'minimize' },
		task === 'classification' ? { metric: 'valMetric', label: 'validation accuracy', direction: 'maximize' } : { metric: 'valMetric', label: 'validation RMSE', direction: 'minimize' }
	];
}

export const metricLabel = (task: TrainConfig['task'], metric: TrialMetric) => metricChoices(task).find((m) => m.metric === metric)?.label ?? metric;

/** A hyperparameter's value in the trial table: whole numbers (layers, units, batch size) as they are, not "3.000" or "184.0"; others as metrics are shown. */
export function paramCell(value: unknown): string {
	if (typeof value !== 'number') return String(value);
	return Number.isInteger(value) ? String(value) : formatNumber(value);
}

/** One short line per trial's parameters, for tables and titles. */
export function describeParams(params: TrialParams): string {
	return Object.entries(params)
		.map(([name, value]) => `${paramLabel(name)} ${typeof value === 'number' ? Number(value.toPrecision(3)) : value}`)
		.join(' · ');
}

/** How a rung reads in a legend: its budget, and whether it is the plan's full budget. */
export function rungLabel(budgets: readonly number[], rung: number, unit: 'epochs' | 'rounds' | null): string {
	if (unit === null) return 'fitted in one go';
	const budget = `${budgets[rung]} ${unit}`;
	return rung === budgets.length - 1 ? `${budget} (full budget)` : budget;
}

/**
 * When the best trial stopped below the plan's top rung (no trial got that far: a small search, or
 * one still running), the figure it is judged by was reached at fewer epochs; say so beside it.
 */
export function partialBestNote(budgets: readonly number[], rung: number, unit: 'epochs' | 'rounds' | null, running: boolean): string | null {
	if (rung >= budgets.length - 1) return null;
	return `scored at ${budgets[rung]} of ${budgets.at(-1)} ${unit ?? 'budget'}: no trial has reached the full budget${running ? ' yet' : ''}, so the best is taken among those that went furthest`;
}
