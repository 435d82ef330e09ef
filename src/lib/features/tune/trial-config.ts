import type { ModelKind, TrainConfig, TrialMetric, TrialParams } from '$workers/protocol';
import { dropoutAt, resolveMlpOptions, type MlpActivation } from '$shared/mlp-options';

/**
 * How a search's parameters become a training config, per model family. Parameters named after
 * a config key (learningRate, l2, batchSize, and whatever a new family's config adds) are copied
 * as they are; a family lists only what differs, so a new family is one entry here plus its
 * default space in the tune library's DEFAULT_SPACES.
 */
interface FamilyTuning {
	label: string;
	apply?: (params: TrialParams, base: TrainConfig) => Partial<TrainConfig>;
	/** Parameters `apply` consumes (not copied into the config). */
	consumes?: string[];
}

export const FAMILIES: Partial<Record<ModelKind, FamilyTuning>> = {
	linear: { label: 'Linear / logistic regression' },
	mlp: {
		label: 'Neural network (MLP)',
		consumes: ['hiddenLayerCount', 'hiddenUnits', 'activation', 'dropout'],
		apply: (params, base) => {
			const count = Number(params.hiddenLayerCount ?? base.hiddenLayers.length) || 1;
			const units = Number(params.hiddenUnits ?? base.hiddenLayers[0] ?? 32);
			const mlp = { ...base.mlp, ...(params.activation !== undefined ? { activation: String(params.activation) as MlpActivation } : {}), ...(params.dropout !== undefined ? { dropout: [Number(params.dropout)] } : {}) };
			return { hiddenLayers: Array.from({ length: count }, () => units), ...(Object.keys(mlp).length > 0 ? { mlp } : {}) };
		}
	}
};

export const tunableFamilies = (): ModelKind[] => Object.keys(FAMILIES) as ModelKind[];

/** Labels and help for the parameters of every family's default space. */
export const PARAM_LABELS: Record<string, { label: string; help: string }> = {
	learningRate: { label: 'Learning rate', help: 'Adam’s step size; a log range, as good values span decades.' },
	l2: { label: 'L2 penalty', help: 'Weight decay on the kernels; a log range.' },
	batchSize: { label: 'Batch size', help: 'Rows per weight update.' },
	hiddenLayerCount: { label: 'Hidden layers', help: 'How many hidden layers, each of the same width.' },
	hiddenUnits: { label: 'Units per layer', help: 'Width of each hidden layer; a log range.' },
	activation: { label: 'Activation', help: 'The hidden layers’ non-linearity.' },
	dropout: { label: 'Dropout', help: 'Share of hidden units switched off in each training step (same for every hidden layer).' }
};
export const paramLabel = (name: string) => PARAM_LABELS[name]?.label ?? name;

/** The base config's value of a parameter, shown when it is not searched. */
export function baseValue(base: TrainConfig, name: string): string {
	if (name === 'hiddenLayerCount') return String(base.hiddenLayers.length);
	if (name === 'hiddenUnits') return String(base.hiddenLayers[0] ?? '—');
	if (name === 'activation') return resolveMlpOptions(base.mlp).activation;
	if (name === 'dropout') return String(dropoutAt(resolveMlpOptions(base.mlp), 0));
	const value = (base as unknown as Record<string, unknown>)[name];
	return value === undefined ? '—' : String(value);
}

/**
 * The config a trial trains with: the base config, the family's parameters, `epochs` epochs and
 * no early stopping (the search's budget and ASHA decide when a trial stops), so a trial's score
 * is the model after exactly that many epochs and the final run can reproduce it.
 */
export function trialConfig(base: TrainConfig, family: ModelKind, params: TrialParams, epochs: number): TrainConfig {
	const tuning = FAMILIES[family] ?? { label: family };
	const copied = Object.fromEntries(Object.entries(params).filter(([name]) => !tuning.consumes?.includes(name)));
	return { ...base, model: family, ...copied, ...(tuning.apply?.(params, base) ?? {}), epochs, patience: 0 };
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

/** One short line per trial's parameters, for tables and titles. */
export function describeParams(params: TrialParams): string {
	return Object.entries(params)
		.map(([name, value]) => `${paramLabel(name)} ${typeof value === 'number' ? Number(value.toPrecision(3)) : value}`)
		.join(' · ');
}
