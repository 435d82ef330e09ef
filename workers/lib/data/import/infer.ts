import { hasLeadingZero, isInfinityText, isNaNText, parseNumber, type NumberFormat } from '$shared/number';
import { detectDateOrder, type DateOrder } from './dates';
import type { SemanticType } from './types';

/**
 * Type inference from a sample of non-missing cell texts. Rules, first match wins:
 * 1. No value at all → categorical (nothing is lost whatever comes later).
 * 2. boolean: every value (case-insensitive) is one of true/false or yes/no; or y/n, t/f, 0/1
 *    with both spellings present.
 * 3. integer / numeric: every value is a plain decimal number (NaN/Infinity spellings aside) and
 *    none has a leading zero ("08123" is a code) or more than 15 significant integer digits
 *    (a float64 cannot hold it exactly); integer when none has a '.' or exponent. Tolerance:
 *    when ≥ 99 % of the values are numbers and the rest are at most 3 distinct spellings
 *    ("#N/A", "unknown"), the column is numeric and those spellings are read as missing.
 * 4. datetime: every value is a date (see dates.ts for the formats and the day/month rule).
 * 5. Otherwise text-like: identifier when ≥ 20 values are all distinct and none has whitespace;
 *    text when most values have whitespace and are mostly distinct (> 80 %) or long (mean ≥ 30
 *    chars);
 *    categorical otherwise.
 */
export interface ColumnGuess {
	semantic: SemanticType;
	dateOrder?: DateOrder;
	ambiguousDate?: boolean;
	booleanLabels?: [string, string];
	/** Non-numeric spellings read as missing in a numeric column (rule 3's tolerance). */
	missingLike?: string[];
}

const BOOLEAN_FAMILIES: [string, string, boolean][] = [
	['false', 'true', false],
	['no', 'yes', false],
	['n', 'y', true],
	['f', 't', true],
	['0', '1', true]
];

const BOOLEAN_TOKENS = new Set(BOOLEAN_FAMILIES.flatMap(([f, t]) => [f, t]));

const TOLERATED_SHARE = 0.99;
const TOLERATED_SPELLINGS = 3;
const MAX_SAFE_DIGITS = 15;

function booleanGuess(values: readonly string[]): ColumnGuess | null {
	const first = new Map<string, string>();
	for (const v of values) {
		const key = v.trim().toLowerCase();
		if (!first.has(key)) first.set(key, v.trim());
		if (first.size > 2) return null;
	}
	for (const [f, t, needBoth] of BOOLEAN_FAMILIES) {
		const keys = [...first.keys()];
		if (!keys.every((k) => k === f || k === t)) continue;
		if (needBoth && keys.length < 2) continue;
		return { semantic: 'boolean', booleanLabels: [first.get(f) ?? f, first.get(t) ?? t] };
	}
	return null;
}

function significantIntegerDigits(text: string): number {
	const m = /^[ \t]*[+-]?0*(\d*)/.exec(text);
	return m ? m[1].length : 0;
}

function numericGuess(values: readonly string[], format: NumberFormat | undefined): ColumnGuess | null {
	const decimal = format?.decimal ?? '.';
	let integer = true;
	let bad = 0;
	const badSpellings = new Set<string>();
	// Cheapest tests first: this runs on every sampled cell of every column a preview reads.
	for (const v of values) {
		const n = parseNumber(v, format);
		if (n === undefined) {
			if (isNaNText(v) || isInfinityText(v)) continue;
			bad++;
			badSpellings.add(v.trim());
			if (badSpellings.size > TOLERATED_SPELLINGS) return null;
			continue;
		}
		// More than 15 digits needs more than 15 characters.
		if (hasLeadingZero(v) || (v.length > MAX_SAFE_DIGITS && significantIntegerDigits(v) > MAX_SAFE_DIGITS)) return null;
		if (integer && (v.includes(decimal) || v.includes('e') || v.includes('E'))) integer = false;
	}
	const good = values.length - bad;
	if (good === 0 || good / values.length < TOLERATED_SHARE) return null;
	const guess: ColumnGuess = { semantic: integer ? 'integer' : 'numeric' };
	if (badSpellings.size > 0) guess.missingLike = [...badSpellings];
	return guess;
}

function textGuess(values: readonly string[]): ColumnGuess {
	const distinct = new Set(values).size;
	let spaced = 0;
	let length = 0;
	for (const v of values) {
		if (/\s/.test(v)) spaced++;
		length += v.length;
	}
	const n = values.length;
	if (n >= 20 && distinct === n && spaced === 0) return { semantic: 'identifier' };
	if (spaced / n >= 0.5 && (distinct / n > 0.8 || length / n >= 30)) return { semantic: 'text' };
	return { semantic: 'categorical' };
}

export function inferColumn(values: readonly string[], format?: NumberFormat, dateOrder?: DateOrder): ColumnGuess {
	if (values.length === 0) return { semantic: 'categorical' };
	const bool = booleanGuess(values);
	if (bool) return bool;
	const num = numericGuess(values, format);
	if (num) return num;
	const date = detectDateOrder(values);
	if (date) {
		const order = date.ambiguous && dateOrder ? dateOrder : date.order;
		return { semantic: 'datetime', dateOrder: order, ambiguousDate: date.ambiguous && !dateOrder };
	}
	return textGuess(values);
}

/** Does a first-row cell read as a value of the type guessed from the rows below it? */
export function fitsGuess(cell: string, guess: ColumnGuess, format?: NumberFormat): boolean {
	switch (guess.semantic) {
		case 'integer':
		case 'numeric':
			return parseNumber(cell, format) !== undefined || isNaNText(cell) || isInfinityText(cell);
		case 'boolean':
			return BOOLEAN_TOKENS.has(cell.trim().toLowerCase());
		case 'datetime':
			return detectDateOrder([cell]) !== null;
		default:
			return true;
	}
}
