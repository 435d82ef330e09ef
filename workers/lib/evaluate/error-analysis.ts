import { KilnError } from '$shared/errors';
import { argmax, LOG_LOSS_EPSILON } from './classification';
import type { ClassificationInput, RegressionInput } from './types';
import { checkRegression } from './validate';

export interface RowFilter {
	/** Only rows of this true class (classification). */
	trueClass?: number;
	/** Only rows predicted as this class (classification). */
	predictedClass?: number;
	/** Only misclassified rows (classification). */
	wrongOnly?: boolean;
	/** Only these evaluated rows, e.g. one slice: `rowsInSlice(slices, s)`. */
	rows?: ArrayLike<number>;
}

export interface WorstClassified {
	/** Index into the evaluated rows. */
	index: number;
	/** −ln p(true class), clipped like log loss. */
	loss: number;
	truth: number;
	predicted: number;
	probabilityOfTruth: number;
	/** Probability of the predicted class. */
	confidence: number;
}

export interface WorstRegressed {
	index: number;
	/** |actual − predicted|. */
	loss: number;
	actual: number;
	predicted: number;
	residual: number;
}

/** The rows a classifier got most wrong (highest cross-entropy), filtered, worst first. */
export function worstClassified(input: ClassificationInput, filter: RowFilter = {}, limit = 50): WorstClassified[] {
	const k = input.classes.length;
	const n = input.truth.length;
	if (input.probabilities.length !== n * k) throw new KilnError('ValidationError', `Expected ${n} rows × ${k} class probabilities but got ${input.probabilities.length} numbers.`);
	const predicted = argmax(input.probabilities, k);
	const out: WorstClassified[] = [];
	for (const i of candidates(n, filter.rows)) {
		const t = input.truth[i];
		if (t < 0 || t >= k) continue;
		if (filter.trueClass !== undefined && t !== filter.trueClass) continue;
		if (filter.predictedClass !== undefined && predicted[i] !== filter.predictedClass) continue;
		if (filter.wrongOnly && predicted[i] === t) continue;
		const p = input.probabilities[i * k + t];
		const clipped = Math.min(Math.max(p, LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON);
		out.push({ index: i, loss: -Math.log(clipped), truth: t, predicted: predicted[i], probabilityOfTruth: p, confidence: input.probabilities[i * k + predicted[i]] });
	}
	return out.sort((a, b) => b.loss - a.loss || a.index - b.index).slice(0, limit);
}

/** The rows a regressor got most wrong (largest absolute error), worst first. */
export function worstRegressed(input: RegressionInput, filter: Pick<RowFilter, 'rows'> = {}, limit = 50): WorstRegressed[] {
	checkRegression(input);
	const out: WorstRegressed[] = [];
	for (const i of candidates(input.truth.length, filter.rows)) {
		const residual = input.truth[i] - input.predicted[i];
		out.push({ index: i, loss: Math.abs(residual), actual: input.truth[i], predicted: input.predicted[i], residual });
	}
	return out.sort((a, b) => b.loss - a.loss || a.index - b.index).slice(0, limit);
}

function candidates(n: number, rows?: ArrayLike<number>): Iterable<number> {
	if (!rows) return Array.from({ length: n }, (_, i) => i);
	for (let j = 0; j < rows.length; j++) {
		if (!Number.isInteger(rows[j]) || rows[j] < 0 || rows[j] >= n) throw new KilnError('ValidationError', `Row ${rows[j]} is not among the ${n} evaluated rows.`);
	}
	return Array.from(rows);
}
