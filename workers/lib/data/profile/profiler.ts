import type { ImportWarning, SchemaColumn } from '../import/types';
import { valueAt, type Dictionary } from '../import/packed';
import { findLeaks } from './leakage';
import { Associations, Correlations, MAX_ASSOCIATED, MAX_CORRELATED } from './pairs';
import { RowReservoir, sampleCapacity } from './reservoir';
import { DistinctNumbers, RowHashSet, mix32 } from './sketches';
import { addMoments, emptyMoments, histogram, sortedPresent, type Moments } from './summary';
import type { ColumnSummary, DatasetProfile, PairMatrix, TargetBalance, TopValue } from './types';
import { completeSummary, datasetWarnings, numericPart, type ColumnState } from './warnings';

export interface ProfilerOptions {
	/** Column treated as the target (balance, leakage). */
	target?: string;
	/** Seed of the row sample. */
	seed?: number;
	/** Rows the uniform sample holds (default: 100,000, fewer for wide tables). */
	sampleRows?: number;
}

export interface Profiler {
	/** A chunk's column arrays (Float64 or Int32 by physical kind), `rowCount` rows each. */
	addChunk(arrays: readonly (Float64Array | Int32Array)[], rowCount: number): void;
	/**
	 * Computes everything that needs the large running state (row sample, duplicate hashes,
	 * contingency tables) and lets that state go, so the caller can then turn dictionaries into
	 * strings without both in memory at once. `finish` calls it when the caller did not.
	 */
	seal(): void;
	/** A hint that about `rows` rows will come, so hash tables are sized once. */
	reserve(rows: number): void;
	/** The profile, given each categorical column's final dictionary (null for numeric). */
	finish(dictionaries: readonly (Dictionary | null)[], importWarnings?: readonly ImportWarning[]): DatasetProfile;
}

const MAX_CLASS_VALUES = 100;
const INTEGER_CLASSES = 20;

/**
 * The profile of a table computed over its chunks as they stream by: exact counts, moments,
 * distinct values and duplicate rows over every row; quantiles, histograms, outliers,
 * correlation, association and the leakage check from a uniform row sample (exact while the
 * table fits in it, labelled approximate above).
 */
export function createProfiler(columns: readonly SchemaColumn[], options: ProfilerOptions = {}): Profiler {
	const states: ColumnState[] = columns.map((column) => ({
		column,
		rows: 0,
		missing: 0,
		moments: column.physical === 'numeric' ? emptyMoments() : null,
		distinct: column.physical === 'numeric' ? new DistinctNumbers() : null,
		counts: column.physical === 'categorical' ? new Int32Array(64) : null,
		monotone: true,
		last: -Infinity
	}));
	const reservoir = new RowReservoir(columns.length, options.sampleRows ?? sampleCapacity(columns.length), options.seed ?? 1);
	const correlated = columns.flatMap((c, i) => (c.physical === 'numeric' && c.semantic !== 'datetime' ? [i] : [])).slice(0, MAX_CORRELATED);
	const associated = columns.flatMap((c, i) => (c.semantic === 'categorical' || c.semantic === 'boolean' ? [i] : [])).slice(0, MAX_ASSOCIATED);
	const correlations = new Correlations(correlated);
	const associations = new Associations(associated);
	const duplicates = new RowHashSet();
	const target = options.target === undefined ? -1 : columns.findIndex((c) => c.name === options.target);
	const targetValues = new Map<number, number>();
	let rowCount = 0;

	function addColumn(s: ColumnState, a: Float64Array | Int32Array, n: number): void {
		s.rows += n;
		if (s.moments && s.distinct) {
			const values = a as Float64Array;
			addMoments(s.moments, values, n);
			let missing = 0;
			let last = s.last;
			let monotone = s.monotone;
			for (let r = 0; r < n; r++) {
				const v = values[r];
				if (v !== v) {
					missing++;
					continue;
				}
				s.distinct.add(v);
				if (monotone) {
					if (v <= last) monotone = false;
					last = v;
				}
			}
			s.missing += missing;
			s.last = last;
			s.monotone = monotone;
			return;
		}
		let counts = s.counts as Int32Array;
		const codes = a as Int32Array;
		for (let r = 0; r < n; r++) {
			const code = codes[r];
			if (code < 0) {
				s.missing++;
				continue;
			}
			if (code >= counts.length) {
				const bigger = new Int32Array(Math.max(code + 1, counts.length * 2));
				bigger.set(counts);
				counts = bigger;
			}
			counts[code]++;
		}
		s.counts = counts;
	}

	function addRowHashes(arrays: readonly (Float64Array | Int32Array)[], n: number): void {
		const h1 = new Int32Array(n).fill(0x12345678);
		const h2 = new Int32Array(n).fill(0x7654321);
		// One loop per kind of column, so neither tests the kind per cell.
		for (const a of arrays) {
			if (a instanceof Float64Array) hashWords(h1, h2, new Int32Array(a.buffer, a.byteOffset, n * 2), n);
			else hashCodes(h1, h2, a, n);
		}
		for (let r = 0; r < n; r++) duplicates.add(mix32(h1[r]), mix32(h2[r]));
	}

	function addTarget(a: Float64Array | Int32Array, n: number): void {
		if (target < 0 || columns[target].physical !== 'numeric' || targetValues.size > MAX_CLASS_VALUES) return;
		for (let r = 0; r < n; r++) {
			const v = a[r];
			if (v === v) targetValues.set(v, (targetValues.get(v) ?? 0) + 1);
		}
	}

	type Sealed = { partial: ColumnSummary[]; leaks: { column: string; score: number }[]; targetHistogram: TargetBalance | null; correlation: PairMatrix; association: PairMatrix; duplicates: number; complete: boolean; sampleRows: number };
	let sealed: Sealed | null = null;

	/** Everything that needs the big running state; afterwards that state is let go. */
	function seal(): Sealed {
		if (sealed) return sealed;
		const sorted = new Map<number, Float64Array>();
		const sortedOf = (c: number) => {
			let s = sorted.get(c);
			if (!s) sorted.set(c, (s = sortedPresent(reservoir.column(c))));
			return s;
		};
		// Correlation and association come from the row sample: exact while the table fits in
		// it; above, Pearson's r from 100,000 uniform rows is within about ±0.005 (labelled).
		const sampled = reservoir.columns.map((_, c) => reservoir.column(c));
		correlations.addChunk(sampled, reservoir.size);
		associations.addChunk(sampled, reservoir.size);
		const partial = states.map((s, c) => numericPart(s, reservoir, c, sortedOf));
		const task = target < 0 ? null : targetTask(states[target], targetValues);
		const leaks = task ? findLeaks(reservoir.columns.map((_, c) => reservoir.column(c)), columns, target, task, sortedOf) : [];
		const targetHistogram = task === 'regression' ? regressionBalance(states[target], reservoir, target) : null;
		sealed = {
			partial,
			leaks: leaks.map((l) => ({ column: columns[l.column].name, score: l.score })),
			targetHistogram,
			correlation: { columns: correlated.map((c) => columns[c].name), values: correlations.matrix(), approximate: !reservoir.exact },
			association: { ...associations.result(associated.map((c) => columns[c].name)), approximate: !reservoir.exact },
			duplicates: duplicates.duplicates,
			complete: duplicates.complete,
			sampleRows: reservoir.size
		};
		reservoir.release();
		duplicates.release();
		associations.release();
		for (const s of states) s.distinct = null;
		return sealed;
	}

	return {
		addChunk(arrays, n) {
			if (n === 0) return;
			if (sealed) throw new Error('The profile was sealed; no more chunks can be added.');
			rowCount += n;
			states.forEach((s, c) => addColumn(s, arrays[c], n));
			reservoir.addChunk(arrays, n);
			addRowHashes(arrays, n);
			if (target >= 0) addTarget(arrays[target], n);
		},
		seal() {
			seal();
		},
		reserve(rows) {
			if (!sealed) duplicates.reserve(rows);
		},
		finish(dictionaries, importWarnings = []) {
			const done = seal();
			const summaries = states.map((s, c) => completeSummary(s, done.partial[c], dictionaries[c], importWarnings));
			const balance = target < 0 ? null : (done.targetHistogram ?? classBalance(states[target], targetValues, dictionaries[target]));
			const profile: DatasetProfile = {
				rowCount,
				columns: summaries,
				correlation: done.correlation,
				association: done.association,
				duplicateRows: done.duplicates,
				target: balance,
				warnings: [],
				sampleRows: done.sampleRows
			};
			profile.warnings = datasetWarnings(profile, done.leaks, done.complete);
			return profile;
		}
	};
}

function targetTask(s: ColumnState, values: Map<number, number>): 'classification' | 'regression' {
	if (s.counts || s.column.semantic === 'boolean') return 'classification';
	return s.column.semantic === 'integer' && values.size <= INTEGER_CLASSES ? 'classification' : 'regression';
}

/** Classes a target balance lists; the rest are counted. */
export const LISTED_CLASSES = 100;

function classBalance(s: ColumnState, values: Map<number, number>, dictionary: Dictionary | null): TargetBalance {
	let classes: TopValue[];
	if (s.counts && dictionary) {
		classes = [];
		for (let code = 0; code < dictionary.length; code++) {
			const count = s.counts[code] ?? 0;
			if (count > 0) classes.push({ value: valueAt(dictionary, code), count });
		}
	}
	else {
		const labels = s.column.booleanLabels;
		classes = [...values].map(([v, count]) => ({ value: labels && (v === 0 || v === 1) ? labels[v] : String(v), count }));
	}
	classes.sort((a, b) => b.count - a.count);
	const ratio = classes.length > 0 ? classes[0].count / classes[classes.length - 1].count : undefined;
	const balance: TargetBalance = { column: s.column.name, task: 'classification', classes, ...(ratio !== undefined ? { imbalanceRatio: ratio } : {}) };
	if (classes.length <= LISTED_CLASSES) return balance;
	// An ID-like target of a million-row file has as many classes as rows: the page shows a dozen,
	// and listing them all made the stored profile (and the page's copy of it) megabytes.
	const rest = classes.slice(LISTED_CLASSES);
	return { ...balance, classes: classes.slice(0, LISTED_CLASSES), classCount: classes.length, otherRows: rest.reduce((n, c) => n + c.count, 0) };
}

function regressionBalance(s: ColumnState, reservoir: RowReservoir, c: number): TargetBalance {
	const m = s.moments as Moments;
	return { column: s.column.name, task: 'regression', histogram: histogram(sortedPresent(reservoir.column(c)), m.min, m.max, false, m.n) };
}

/** A numeric column's rows (two words each) into the running row hashes. */
function hashWords(h1: Int32Array, h2: Int32Array, words: Int32Array, n: number): void {
	for (let r = 0; r < n; r++) {
		const lo = words[2 * r];
		const hi = words[2 * r + 1];
		h1[r] = Math.imul(h1[r] ^ lo, 0x01000193) ^ Math.imul(hi, 0x5bd1e995);
		h2[r] = Math.imul(h2[r] + lo, 0x2545f491) ^ Math.imul(hi ^ 0x9e3779b9, 0x27d4eb2d);
	}
}

/** A coded column's rows into the running row hashes: as hashWords with a high word of 0. */
function hashCodes(h1: Int32Array, h2: Int32Array, codes: Int32Array, n: number): void {
	const high = Math.imul(0x9e3779b9, 0x27d4eb2d);
	for (let r = 0; r < n; r++) {
		const lo = codes[r];
		h1[r] = Math.imul(h1[r] ^ lo, 0x01000193);
		h2[r] = Math.imul(h2[r] + lo, 0x2545f491) ^ high;
	}
}
