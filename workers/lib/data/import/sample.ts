import type { NumberFormat } from '$shared/number';
import type { MissingTokens } from './cells';
import { fitsGuess, inferColumn, type ColumnGuess } from './infer';
import { physicalOf, type DateOrder, type ImportWarning, type SchemaColumn, type SemanticType } from './types';

export interface SampleOptions {
	missing: MissingTokens;
	numberFormat?: NumberFormat;
	dateOrder?: DateOrder;
	types?: Record<string, SemanticType>;
	inferTypes: boolean;
}

function columnValues(rows: readonly (readonly string[])[], c: number, missing: MissingTokens): string[] {
	const out: string[] = [];
	for (const row of rows) {
		const v = row[c];
		if (v !== undefined && !missing.isMissing(v)) out.push(v);
	}
	return out;
}

/**
 * Whether the first row names the columns. Typed columns decide first: a first-row cell that
 * does not read as its column's type (a name above numbers, dates, booleans) means a header; if
 * every typed column's first cell fits, the row is data. With only text columns, a first-row
 * value that also occurs below it in a repetitive column votes "data", one that does not votes
 * "header"; a tie (or no repetitive column) means a header, as most files have one.
 * `guesses` receives the type guessed for each column from the rows below the first.
 */
export function detectHeader(rows: readonly (readonly string[])[], options: SampleOptions, guesses: ColumnGuess[] = []): boolean {
	if (rows.length < 2) return true;
	const first = rows[0];
	const body = rows.slice(1);
	let typed = 0;
	let fit = 0;
	let dataVotes = 0;
	let headerVotes = 0;
	let header = false;
	for (let c = 0; c < first.length; c++) {
		const values = columnValues(body, c, options.missing);
		const guess = inferColumn(values, options.numberFormat, options.dateOrder);
		guesses[c] = guess;
		if (header) continue;
		const cell = first[c] ?? '';
		if (guess.semantic === 'categorical' || guess.semantic === 'text' || guess.semantic === 'identifier') {
			const distinct = new Set(values);
			if (values.length >= 4 && distinct.size <= values.length / 2 && !options.missing.isMissing(cell)) {
				if (distinct.has(cell)) dataVotes++;
				else headerVotes++;
			}
			continue;
		}
		typed++;
		if (options.missing.isMissing(cell) || fitsGuess(cell, guess, options.numberFormat)) fit++;
		else header = true;
	}
	if (header) return true;
	if (typed > 0) return fit < typed;
	return headerVotes >= dataVotes;
}

/** Names from a header row: trimmed; empty → column_N; repeated → name_2, name_3, … */
export function normalizeNames(raw: readonly string[] | null, count: number): { names: string[]; warnings: ImportWarning[] } {
	const warnings: ImportWarning[] = [];
	const names: string[] = [];
	const taken = new Set<string>();
	const wanted = Array.from({ length: count }, (_, i) => (raw?.[i] ?? '').trim());
	for (const n of wanted) if (n !== '') taken.add(n);
	const used = new Set<string>();
	const empty: number[] = [];
	for (let i = 0; i < count; i++) {
		let name = wanted[i];
		if (name === '') {
			name = `column_${i + 1}`;
			for (let k = 2; taken.has(name) || used.has(name); k++) name = `column_${i + 1}_${k}`;
			if (raw) empty.push(i + 1);
		} else if (used.has(name)) {
			let k = 2;
			while (taken.has(`${name}_${k}`) || used.has(`${name}_${k}`)) k++;
			const renamed = `${name}_${k}`;
			warnings.push({
				kind: 'duplicate-header',
				column: renamed,
				message: `The header names "${name}" more than once; column ${i + 1} was renamed "${renamed}".`
			});
			name = renamed;
		}
		used.add(name);
		names.push(name);
	}
	if (empty.length > 0) {
		const list = empty.length > 10 ? `${empty.slice(0, 10).join(', ')}, …` : empty.join(', ');
		warnings.push({
			kind: 'empty-header',
			count: empty.length,
			message: `${empty.length === 1 ? 'Column' : 'Columns'} ${list} had no name in the header and ${empty.length === 1 ? 'was' : 'were'} named column_N by position.`
		});
	}
	return { names, warnings };
}

export interface Plan {
	columns: SchemaColumn[];
	/** Per column: spellings read as missing in a numeric column (inference tolerance). */
	missingLike: (Set<string> | null)[];
	warnings: ImportWarning[];
}

/** Types for every column from the sample rows (already without the header). */
export function planColumns(names: readonly string[], rows: readonly (readonly string[])[], options: SampleOptions, known?: readonly ColumnGuess[]): Plan {
	const warnings: ImportWarning[] = [];
	const missingLike: (Set<string> | null)[] = [];
	const columns = names.map((name, c): SchemaColumn => {
		// Read the column's cells only when a guess needs them: header detection usually made it.
		let cells: string[] | null = null;
		const values = () => (cells ??= columnValues(rows, c, options.missing));
		const forced = options.types?.[name];
		let guess: ColumnGuess;
		if (!options.inferTypes && !forced) guess = { semantic: 'categorical' };
		else guess = known?.[c] ?? inferColumn(values(), options.numberFormat, options.dateOrder);
		if (forced && forced !== guess.semantic) guess = forcedGuess(forced, values(), options);
		missingLike.push(guess.missingLike ? new Set(guess.missingLike) : null);
		if (guess.missingLike) {
			warnings.push({
				kind: 'missing-like',
				column: name,
				message: `Column "${name}" is numeric; its cells ${guess.missingLike.map((v) => JSON.stringify(v)).join(', ')} were read as missing values.`
			});
		}
		if (guess.ambiguousDate) {
			warnings.push({
				kind: 'ambiguous-date',
				column: name,
				message: `Column "${name}": every date reads both as day/month and month/day; read as ${guess.dateOrder === 'dmy' ? 'day/month/year' : 'month/day/year'}. Change the date order if that is wrong.`
			});
		}
		const column: SchemaColumn = { name, semantic: guess.semantic, physical: physicalOf(guess.semantic) };
		if (guess.dateOrder) column.dateOrder = guess.dateOrder;
		if (guess.booleanLabels) column.booleanLabels = guess.booleanLabels;
		return column;
	});
	return { columns, missingLike, warnings };
}

function forcedGuess(semantic: SemanticType, values: readonly string[], options: SampleOptions): ColumnGuess {
	if (semantic === 'datetime') {
		const guess = inferColumn(values, options.numberFormat, options.dateOrder);
		return { semantic, dateOrder: guess.dateOrder ?? options.dateOrder ?? 'ymd' };
	}
	if (semantic === 'boolean') return { semantic, booleanLabels: ['false', 'true'] };
	return { semantic };
}
