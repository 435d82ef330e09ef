import type { RowExplanation, TargetTransform } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import type { FeatureGroup } from '$workers/lib/evaluate/groups';
import { contributions } from '$workers/lib/models';
import type { ClassicModel } from '$workers/lib/models/types';

const FAMILY_NAMES: Record<ClassicModel['family'], string> = {
	linear: 'linear',
	knn: 'k-nearest-neighbours',
	'gaussian-nb': 'naive Bayes',
	'categorical-nb': 'naive Bayes',
	tree: 'decision tree',
	forest: 'random forest',
	boosting: 'gradient boosting'
};

/**
 * One row's prediction split exactly into per-column parts (trees: the path decomposition;
 * linear and boosting regression: coefficient × value / path contributions). The reference is
 * the model's output before any column is looked at (the training share of each class, or the
 * training mean). Explanations in log-odds (linear and boosting classifiers) and families with
 * no additive form (kNN, naive Bayes) are refused with a message.
 */
export function explainClassicRow(model: ClassicModel, encoding: { target: TargetTransform; groups: FeatureGroup[] }, x: Float32Array, cell: (column: string) => string): RowExplanation {
	const parts = contributions(model, x);
	const name = FAMILY_NAMES[model.family];
	if (!parts) throw new KilnError('ValidationError', `A ${name} model has no exact per-column explanation of one prediction; the run's permutation importance (Runs) shows which columns matter overall.`);
	if (parts.space === 'log-odds' || parts.space === 'logit') throw new KilnError('ValidationError', `A ${name} classifier explains its predictions in log-odds, not probabilities, which this view does not show yet; the run's importances (Runs) show which columns matter.`);
	const k = parts.outputs;
	let explained = 0;
	if (encoding.target.task === 'classification') {
		for (let c = 1; c < k; c++) if (parts.bias[c] + sumColumn(parts.values, k, c) > parts.bias[explained] + sumColumn(parts.values, k, explained)) explained = c;
	}
	const target = encoding.target;
	const scale = target.task === 'regression' ? target.std : 1;
	const shift = target.task === 'regression' ? target.mean : 0;
	const groups = encoding.groups;
	const perColumn = groups.map((g) => g.indices.reduce((sum, i) => sum + parts.values[i * k + explained], 0) * scale);
	const reference = parts.bias[explained] * scale + shift;
	const output = reference + perColumn.reduce((a, b) => a + b, 0);
	return {
		method: 'exact-additive',
		explained: target.task === 'classification' ? target.classes[explained] : target.name,
		output,
		reference,
		columns: groups.map((g, j) => ({ name: g.name, value: cell(g.name), contribution: perColumn[j] })),
		gap: 0,
		steps: 0
	};
}

function sumColumn(values: Float64Array, k: number, c: number): number {
	let sum = 0;
	for (let i = c; i < values.length; i += k) sum += values[i];
	return sum;
}
