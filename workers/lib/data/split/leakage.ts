import type { Column, Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { murmur3 } from '../pipeline/hash';

export interface LeakageReport {
	columns: string[];
	/** Holdout rows whose feature cells all equal some training row's. */
	holdoutRows: number;
	/** Training rows that have such a twin in the holdout. */
	trainRows: number;
	/** Up to `maxExamples` pairs of table row indices (0-based). */
	examples: { holdoutRow: number; trainRow: number }[];
}

/** 53-bit fingerprint of a row's cells: two 32-bit mixes, exact enough to index, verified cell by cell after. */
function fingerprints(columns: Column[], rows: ArrayLike<number>): Float64Array {
	const textHashes = columns.map((c) => (c.kind === 'categorical' ? Int32Array.from(c.categories, (t) => murmur3(t, 0x9e37)) : null));
	const bits = new Float64Array(1);
	const words = new Int32Array(bits.buffer);
	const out = new Float64Array(rows.length);
	for (let i = 0; i < rows.length; i++) {
		let h1 = 0x2545f491;
		let h2 = 0x68e31da4;
		for (let k = 0; k < columns.length; k++) {
			const c = columns[k];
			let a: number;
			let b: number;
			if (c.kind === 'numeric') {
				const v = c.values[rows[i]];
				bits[0] = Number.isNaN(v) ? NaN : v === 0 ? 0 : v;
				a = words[0];
				b = words[1];
			} else {
				const code = c.codes[rows[i]];
				a = code < 0 ? 0x7fc00000 : textHashes[k]![code];
				b = code < 0 ? -1 : 0x1234567;
			}
			h1 = Math.imul(h1 ^ a, 0x85ebca6b) ^ Math.imul(b, 0xc2b2ae35);
			h1 = (h1 << 13) | (h1 >>> 19);
			h2 = Math.imul(h2 ^ b, 0xcc9e2d51) ^ Math.imul(a, 0x1b873593);
			h2 = (h2 << 17) | (h2 >>> 15);
		}
		out[i] = (h1 >>> 0) * 0x200000 + (h2 >>> 11);
	}
	return out;
}

function sameCells(columns: Column[], r: number, s: number): boolean {
	for (const c of columns) {
		if (c.kind === 'numeric') {
			const a = c.values[r];
			const b = c.values[s];
			if (!(a === b || (Number.isNaN(a) && Number.isNaN(b)))) return false;
		} else {
			const a = c.codes[r];
			const b = c.codes[s];
			if (a !== b && (a < 0 || b < 0 || c.categories[a] !== c.categories[b])) return false;
		}
	}
	return true;
}

/**
 * Holdout rows that also appear in training on the given feature columns (exact duplicates,
 * missing equal to missing): a model can score them by memory, so the holdout flatters it.
 */
export function leakageCheck(table: Table, columnNames: readonly string[], train: ArrayLike<number>, holdout: ArrayLike<number>, maxExamples = 10): LeakageReport {
	if (columnNames.length === 0) throw new KilnError('ValidationError', 'Choose the feature columns to compare.');
	const columns = columnNames.map((name) => {
		const column = table.columns.find((c) => c.name === name);
		if (!column) throw new KilnError('SchemaMismatchError', `There is no column "${name}" in this dataset.`);
		return column;
	});
	const trainPrints = fingerprints(columns, train);
	const byPrint = new Map<number, number[]>();
	trainPrints.forEach((p, i) => {
		const list = byPrint.get(p);
		if (list) list.push(train[i]);
		else byPrint.set(p, [train[i]]);
	});
	const matchedTrain = new Set<number>();
	const examples: LeakageReport['examples'] = [];
	let holdoutRows = 0;
	fingerprints(columns, holdout).forEach((p, i) => {
		const candidates = byPrint.get(p);
		if (!candidates) return;
		const twins = candidates.filter((t) => sameCells(columns, holdout[i], t));
		if (twins.length === 0) return;
		holdoutRows++;
		twins.forEach((t) => matchedTrain.add(t));
		if (examples.length < maxExamples) examples.push({ holdoutRow: holdout[i], trainRow: twins[0] });
	});
	return { columns: [...columnNames], holdoutRows, trainRows: matchedTrain.size, examples };
}
