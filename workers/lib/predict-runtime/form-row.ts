import type { InputColumn, Table } from '$workers/protocol';
import { parseNumber } from '$shared/number';
import { DEFAULT_MISSING } from '../data/import/types';

/**
 * One typed form row read straight into a one-row table, without writing it out as CSV and
 * streaming it back through the importer (readFormRows) — which costs more than the whole
 * prediction of a small model. Only for the cases where the result is the importer's by
 * construction: numbers and plain categories, plain decimal text or a missing-value token.
 * Anything else (dates, yes/no, identifiers, a value that does not parse) gives null, and the
 * caller reads the row with readFormRows, which also words the error.
 */

const PLAIN_SEMANTICS = new Set([undefined, 'numeric', 'integer', 'categorical', 'text']);

export class FormRowReader {
	private readonly tokens: ReadonlySet<string>;

	constructor(
		private readonly inputs: readonly InputColumn[],
		missing?: readonly string[]
	) {
		// The importer's MissingTokens: exact text, spaces and tabs trimmed.
		this.tokens = new Set((missing ?? DEFAULT_MISSING).map((t) => t.replace(/^[ \t]+|[ \t]+$/g, '')));
	}

	/** Whether any row of this model can take the direct path. */
	get usable(): boolean {
		return this.inputs.every((i) => PLAIN_SEMANTICS.has(i.semantic));
	}

	read(row: Record<string, string>): Table | null {
		if (!this.usable) return null;
		let known = 0;
		const columns: Table['columns'] = [];
		for (const input of this.inputs) {
			const text = (row[input.name] ?? '').trim();
			const missing = this.tokens.has(text);
			// An empty cell that is not a missing token, or an all-empty row, is the importer's to judge.
			if (text === '' && !missing) return null;
			if (!missing) known++;
			if (input.kind === 'numeric') {
				const value = missing ? NaN : parseNumber(text);
				if (value === undefined) return null;
				columns.push({ name: input.name, kind: 'numeric', values: Float64Array.of(value) });
			} else {
				columns.push({ name: input.name, kind: 'categorical', categories: missing ? [] : [text], codes: Int32Array.of(missing ? -1 : 0) });
			}
		}
		return known === 0 ? null : { rowCount: 1, columns };
	}
}
