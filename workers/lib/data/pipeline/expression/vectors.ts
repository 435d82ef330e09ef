/**
 * Column-at-a-time values: every node of an expression evaluates to one vector over all rows.
 * Missing is NaN for numbers, −1 for booleans (SQL's unknown) and code −1 for text.
 */
export type NumberVec = { type: 'number'; values: Float64Array };
export type BoolVec = { type: 'bool'; values: Int8Array };
/** Dictionary-encoded like a categorical column, so text functions run once per distinct value. */
export type StringVec = { type: 'string'; codes: Int32Array; dict: string[] };
/** The `missing` literal before its context gives it a type. */
export type NullVec = { type: 'any' };
export type Vec = NumberVec | BoolVec | StringVec | NullVec;

export const TRUE = 1;
export const FALSE = 0;
export const UNKNOWN = -1;

/** Results that are not finite (x / 0, log(−1), exp(1000)) are missing rather than ±Infinity. */
export const finite = (v: number): number => (Number.isFinite(v) ? v : NaN);

export function numberConstant(value: number, n: number): NumberVec {
	return { type: 'number', values: new Float64Array(n).fill(finite(value)) };
}

export function stringConstant(value: string, n: number): StringVec {
	return { type: 'string', codes: new Int32Array(n), dict: [value] };
}

export function boolConstant(value: boolean, n: number): BoolVec {
	return { type: 'bool', values: new Int8Array(n).fill(value ? TRUE : FALSE) };
}

/** An all-missing vector of the given type (for `missing` once its type is known). */
export function missingOf(type: 'number' | 'string' | 'bool', n: number): Exclude<Vec, NullVec> {
	if (type === 'number') return { type, values: new Float64Array(n).fill(NaN) };
	if (type === 'bool') return { type, values: new Int8Array(n).fill(UNKNOWN) };
	return { type, codes: new Int32Array(n).fill(-1), dict: [] };
}

/** Builds a StringVec from per-row strings, interning each distinct value once. */
export class StringBuilder {
	readonly codes: Int32Array;
	readonly dict: string[] = [];
	private readonly index = new Map<string, number>();

	constructor(n: number) {
		this.codes = new Int32Array(n).fill(-1);
	}

	set(row: number, value: string | null): void {
		if (value === null) return;
		let code = this.index.get(value);
		if (code === undefined) {
			code = this.dict.length;
			this.dict.push(value);
			this.index.set(value, code);
		}
		this.codes[row] = code;
	}

	build(): StringVec {
		return { type: 'string', codes: this.codes, dict: this.dict };
	}
}

export const textAt = (vec: StringVec, row: number): string | null => (vec.codes[row] < 0 ? null : vec.dict[vec.codes[row]]);
