import type { Column } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import type { FeatureDefinition } from '../step-definition';
import { moments, quantile, sortedValues, standardDeviation } from '../stats';
import type { FeatureStep, ScaleMethod } from '../types';
import { oneOf, onlyKeys, text } from '../validate';

type Scale = Extract<FeatureStep, { kind: 'scale' }>;

/** out = (x − center) / scale; a missing x counts as `fill` (the training mean, or the median for robust). */
export interface ScaleParams {
	center: number;
	scale: number;
	fill: number;
	[key: string]: unknown;
}

const METHODS: Record<ScaleMethod, string> = {
	standard: 'standardise (training mean 0, std 1)',
	'min-max': 'scale the training range to 0–1',
	robust: 'centre on the training median, divide by the interquartile range',
	none: 'pass through'
};

export function fitScale(method: ScaleMethod, values: Float64Array, rows: ArrayLike<number>): ScaleParams {
	const m = moments(values, rows);
	// An all-missing column scales to zeros rather than failing a whole training run.
	if (m.n === 0) return { center: 0, scale: 1, fill: 0 };
	switch (method) {
		case 'standard':
			return { center: m.mean, scale: standardDeviation(m), fill: m.mean };
		case 'min-max':
			return { center: m.min, scale: m.max - m.min > 0 ? m.max - m.min : 1, fill: m.mean };
		case 'robust': {
			const sorted = sortedValues(values, rows);
			const iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
			const median = quantile(sorted, 0.5);
			// Like scikit-learn's RobustScaler, a zero IQR divides by 1.
			return { center: median, scale: iqr > 0 ? iqr : 1, fill: median };
		}
		case 'none':
			return { center: 0, scale: 1, fill: m.mean };
	}
}

function numbers(column: Column): Float64Array {
	if (column.kind !== 'numeric') throw new KilnError('SchemaMismatchError', `column "${column.name}" holds text, but the model was trained on numbers there.`);
	return column.values;
}

export const scale: FeatureDefinition<Scale> = {
	keys: ['column', 'method'],
	validate: (raw, at) => (onlyKeys(raw, at, ['kind', 'column', 'method']), { kind: 'scale', column: text(raw, 'column', at), method: oneOf<ScaleMethod>(raw, 'method', at, ['standard', 'min-max', 'robust', 'none']) }),
	describe: (s) => `"${s.column}": ${METHODS[s.method]}`,
	accepts: 'numeric',
	block: 'continuous',
	fit: (step, column, rows) => fitScale(step.method, numbers(column), rows),
	names: (step) => [step.column],
	encode: (_step, params, column, rows, out, stride, offset) => {
		const { center, scale: by, fill } = params as ScaleParams;
		const values = numbers(column);
		const missing = (fill - center) / by;
		for (let i = 0; i < rows.length; i++) {
			const v = values[rows[i]];
			out[i * stride + offset] = Number.isNaN(v) ? missing : (v - center) / by;
		}
		return 0;
	}
};
