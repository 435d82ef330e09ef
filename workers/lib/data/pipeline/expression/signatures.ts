/** Value types of the expression language; 'any' is the type of the `missing` literal. */
export type ValueType = 'number' | 'string' | 'bool' | 'any';

export interface Signature {
	min: number;
	max: number;
	/** Parameter types; the last repeats for variadic functions. 'same' = one type shared by those params and the result. */
	params: (ValueType | 'same' | 'text-or-number')[];
	returns: ValueType | 'same';
	help: string;
}

const num = (help: string): Signature => ({ min: 1, max: 1, params: ['number'], returns: 'number', help });

/** Every function the language knows. Adding one: a signature here and an implementation in functions.ts. */
export const SIGNATURES: Record<string, Signature> = {
	abs: num('abs(x): x without its sign'),
	exp: num('exp(x): e to the power x'),
	sqrt: num('sqrt(x): square root; missing for negative x'),
	floor: num('floor(x): largest whole number ≤ x'),
	ceil: num('ceil(x): smallest whole number ≥ x'),
	log: { min: 1, max: 2, params: ['number', 'number'], returns: 'number', help: 'log(x) natural logarithm, log(x, base); missing for x ≤ 0' },
	round: { min: 1, max: 2, params: ['number', 'number'], returns: 'number', help: 'round(x) or round(x, digits); halves away from zero' },
	min: { min: 2, max: 64, params: ['number'], returns: 'number', help: 'min(a, b, …): smallest; missing if any is missing' },
	max: { min: 2, max: 64, params: ['number'], returns: 'number', help: 'max(a, b, …): largest; missing if any is missing' },
	lower: { min: 1, max: 1, params: ['string'], returns: 'string', help: 'lower(text)' },
	upper: { min: 1, max: 1, params: ['string'], returns: 'string', help: 'upper(text)' },
	len: { min: 1, max: 1, params: ['string'], returns: 'number', help: 'len(text): number of characters' },
	contains: { min: 2, max: 2, params: ['string', 'string'], returns: 'bool', help: 'contains(text, part)' },
	startswith: { min: 2, max: 2, params: ['string', 'string'], returns: 'bool', help: 'startswith(text, prefix)' },
	endswith: { min: 2, max: 2, params: ['string', 'string'], returns: 'bool', help: 'endswith(text, suffix)' },
	concat: { min: 1, max: 64, params: ['text-or-number'], returns: 'string', help: 'concat(a, b, …): text joined; numbers written out' },
	year: num('year(ms): calendar year (UTC) of a date stored as epoch milliseconds'),
	month: num('month(ms): 1–12 (UTC)'),
	day: num('day(ms): day of the month 1–31 (UTC)'),
	weekday: num('weekday(ms): 0 = Monday … 6 = Sunday (UTC)'),
	hour: num('hour(ms): 0–23 (UTC)'),
	if: { min: 3, max: 3, params: ['bool', 'same', 'same'], returns: 'same', help: 'if(condition, then, else); a missing condition takes else, as SQL CASE does' },
	coalesce: { min: 1, max: 64, params: ['same'], returns: 'same', help: 'coalesce(a, b, …): the first value that is not missing' }
};

export const FUNCTION_NAMES = Object.keys(SIGNATURES);
