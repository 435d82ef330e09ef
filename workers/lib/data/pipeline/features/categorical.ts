import type { CategoricalColumn, Column } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { murmur3 } from '../hash';
import type { FeatureDefinition } from '../step-definition';
import { categoryCounts, codesByFrequency } from '../stats';
import type { FeatureStep } from '../types';
import { boolean, invalid, number, oneOf, onlyKeys, text } from '../validate';

type OneHot = Extract<FeatureStep, { kind: 'one-hot' }>;
type Ordinal = Extract<FeatureStep, { kind: 'ordinal' }>;
type Hashing = Extract<FeatureStep, { kind: 'hashing' }>;

export const OTHER = '(other)';
/** The model matrix is dense: more buckets than this would be mostly zeros in memory. */
export const MAX_BUCKETS = 4096;

function texts(column: Column): CategoricalColumn {
	if (column.kind !== 'categorical') throw new KilnError('SchemaMismatchError', `column "${column.name}" holds numbers, but the model was trained on text there.`);
	return column;
}

/** This table's codes → the fitted slots (−1 when the category has none). */
function slotsFor(column: CategoricalColumn, categories: string[]): Int32Array {
	const slots = new Map(categories.map((c, i) => [c, i]));
	return Int32Array.from(column.categories, (c) => slots.get(c) ?? -1);
}

/** Training categories, most frequent first (ties: first seen first), at most `max`. */
export function frequentCategories(column: CategoricalColumn, rows: ArrayLike<number>, max: number): string[] {
	return codesByFrequency(categoryCounts(column.codes, column.categories.length, rows))
		.slice(0, max)
		.map((code) => column.categories[code]);
}

export const oneHot: FeatureDefinition<OneHot> = {
	keys: ['column', 'maxCategories', 'other', 'missing'],
	validate: (raw, at) => {
		onlyKeys(raw, at, ['kind', 'column', 'maxCategories', 'other', 'missing']);
		return { kind: 'one-hot', column: text(raw, 'column', at), maxCategories: number(raw, 'maxCategories', at, { min: 1, max: 10_000, integer: true }), other: boolean(raw, 'other', at), missing: oneOf(raw, 'missing', at, ['mode', 'zeros'] as const) };
	},
	describe: (s) => `"${s.column}": one-hot, the ${s.maxCategories} most frequent categories${s.other ? ' plus one input for all others' : ' (others as all zeros)'}; missing as ${s.missing === 'mode' ? 'the most frequent' : 'all zeros'}`,
	accepts: 'categorical',
	block: 'categorical',
	fit: (step, column, rows) => {
		const categories = frequentCategories(texts(column), rows, step.maxCategories);
		// Slot 0 is the most frequent category, which is what missing cells take under 'mode'.
		return { categories, fill: step.missing === 'mode' && categories.length > 0 ? 0 : -1 };
	},
	names: (step, params) => [...(params.categories as string[]).map((c) => `${step.column}=${c}`), ...(step.other ? [`${step.column}=${OTHER}`] : [])],
	encode: (step, params, column, rows, out, stride, offset) => {
		const categories = params.categories as string[];
		const fill = params.fill as number;
		const c = texts(column);
		const toSlot = slotsFor(c, categories);
		const other = step.other ? categories.length : -1;
		let unknown = 0;
		for (let i = 0; i < rows.length; i++) {
			const code = c.codes[rows[i]];
			let slot = code < 0 ? fill : toSlot[code];
			if (slot < 0 && code >= 0) {
				unknown++;
				slot = other;
			}
			if (slot >= 0) out[i * stride + offset + slot] = 1;
		}
		return unknown;
	}
};

export const ordinal: FeatureDefinition<Ordinal> = {
	keys: ['column', 'order'],
	validate: (raw, at) => {
		onlyKeys(raw, at, ['kind', 'column', 'order']);
		const order = raw.order;
		if (order !== null && (!Array.isArray(order) || order.length === 0 || order.some((o) => typeof o !== 'string') || new Set(order).size !== order.length)) {
			invalid(`${at}.order`, 'expected null (text order) or a list of distinct categories, lowest first.');
		}
		return { kind: 'ordinal', column: text(raw, 'column', at), order: order as string[] | null };
	},
	describe: (s) => `"${s.column}": ordinal codes 0, 1, 2… in ${s.order ? `the order ${s.order.join(' < ')}` : 'text order'}`,
	accepts: 'categorical',
	block: 'categorical',
	fit: (step, column, rows) => {
		const c = texts(column);
		const seen = frequentCategories(c, rows, Infinity);
		const categories = step.order ?? [...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
		const mode = seen.length > 0 ? categories.indexOf(seen[0]) : -1;
		return { categories, fill: mode };
	},
	names: (step) => [step.column],
	encode: (_step, params, column, rows, out, stride, offset) => {
		const c = texts(column);
		const toSlot = slotsFor(c, params.categories as string[]);
		const fill = params.fill as number;
		let unknown = 0;
		for (let i = 0; i < rows.length; i++) {
			const code = c.codes[rows[i]];
			const slot = code < 0 ? fill : toSlot[code];
			if (slot < 0 && code >= 0) unknown++;
			out[i * stride + offset] = slot;
		}
		return unknown;
	}
};

/** scikit-learn's FeatureHasher bucket: |murmur3_32(text, seed 0)| mod n (for −2³¹ too, as its code documents). */
export function hashBucket(text: string, buckets: number): number {
	return Math.abs(murmur3(text, 0)) % buckets;
}

export const hashing: FeatureDefinition<Hashing> = {
	keys: ['column', 'buckets'],
	validate: (raw, at) => (onlyKeys(raw, at, ['kind', 'column', 'buckets']), { kind: 'hashing', column: text(raw, 'column', at), buckets: number(raw, 'buckets', at, { min: 1, max: MAX_BUCKETS, integer: true }) }),
	describe: (s) => `"${s.column}": hashed into ${s.buckets} buckets`,
	accepts: 'categorical',
	block: 'categorical',
	fit: (_step, column) => (texts(column), {}),
	names: (step) => Array.from({ length: step.buckets }, (_, i) => `${step.column}#${i}`),
	encode: (step, _params, column, rows, out, stride, offset) => {
		const c = texts(column);
		const buckets = c.categories.map((t) => hashBucket(t, step.buckets));
		for (let i = 0; i < rows.length; i++) {
			const code = c.codes[rows[i]];
			// Missing cells stay all zeros; every text has a bucket, so nothing is unknown.
			if (code >= 0) out[i * stride + offset + buckets[code]] = 1;
		}
		return 0;
	}
};
