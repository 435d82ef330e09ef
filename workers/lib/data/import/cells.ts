/**
 * Cell parsers that read bytes in place, so a million-row import never makes a string per cell.
 * They follow the grammar of `parseNumber` in $shared/number (a property test keeps them equal).
 */

const SPACE = 32;
const TAB = 9;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const LOWER_E = 101;
const UPPER_E = 69;

/** 10^0 … 10^22 are exact doubles: m × 10^e or m / 10^e with m < 2^53 rounds once (Clinger). */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const MAX_FAST_DIGITS = 15;

/** Only spaces and tabs are trimmed, in strings as in bytes, so both paths agree. */
export function trimSpaces(text: string): string {
	const n = text.length;
	if (n === 0) return text;
	const first = text.charCodeAt(0);
	const last = text.charCodeAt(n - 1);
	// Most cells have no space at either end: no regular expression for them (a call per sampled cell).
	if (first !== SPACE && first !== TAB && last !== SPACE && last !== TAB) return text;
	return text.replace(/^[ \t]+|[ \t]+$/g, '');
}

export function trimStart(b: Uint8Array, s: number, e: number): number {
	while (s < e && (b[s] === SPACE || b[s] === TAB)) s++;
	return s;
}

export function trimEnd(b: Uint8Array, s: number, e: number): number {
	while (e > s && (b[e - 1] === SPACE || b[e - 1] === TAB)) e--;
	return e;
}

function slowNumber(b: Uint8Array, s: number, e: number): number {
	let text = '';
	for (let i = s; i < e; i++) text += String.fromCharCode(b[i]);
	const v = Number(text);
	return Number.isFinite(v) ? v : NaN;
}

/** The number spelled by bytes [s, e), or NaN when they are not a plain decimal number. */
export function parseNumberAt(b: Uint8Array, s: number, e: number): number {
	s = trimStart(b, s, e);
	e = trimEnd(b, s, e);
	if (s === e) return NaN;
	const begin = s;
	let i = s;
	let negative = false;
	if (b[i] === MINUS) {
		negative = true;
		i++;
	} else if (b[i] === PLUS) i++;
	let mantissa = 0;
	let significant = 0;
	let exponent = 0;
	let digits = 0;
	let slow = false;
	let d = 0;
	while (i < e && (d = b[i] - ZERO) >= 0 && d <= 9) {
		if (mantissa !== 0 || d !== 0) significant++;
		mantissa = mantissa * 10 + d;
		digits++;
		i++;
	}
	if (i < e && b[i] === DOT) {
		i++;
		while (i < e && (d = b[i] - ZERO) >= 0 && d <= 9) {
			if (mantissa !== 0 || d !== 0) significant++;
			mantissa = mantissa * 10 + d;
			exponent--;
			digits++;
			i++;
		}
	}
	if (digits === 0) return NaN;
	if (i < e && (b[i] === LOWER_E || b[i] === UPPER_E)) {
		i++;
		let expNegative = false;
		if (i < e && (b[i] === MINUS || b[i] === PLUS)) expNegative = b[i++] === MINUS;
		let exp = 0;
		let expDigits = 0;
		while (i < e && (d = b[i] - ZERO) >= 0 && d <= 9) {
			if (exp < 100000) exp = exp * 10 + d;
			expDigits++;
			i++;
		}
		if (expDigits === 0) return NaN;
		exponent += expNegative ? -exp : exp;
	}
	if (i !== e) return NaN;
	if (significant > MAX_FAST_DIGITS || exponent > 22 || exponent < -22) slow = true;
	if (slow) return slowNumber(b, begin, e);
	const value = exponent >= 0 ? mantissa * POW10[exponent] : mantissa / POW10[-exponent];
	return negative ? -value : value;
}

/** Case-insensitive ASCII comparison of bytes [s, e) with a lower-case token. */
export function equalsLower(b: Uint8Array, s: number, e: number, token: Uint8Array): boolean {
	if (e - s !== token.length) return false;
	for (let i = 0; i < token.length; i++) {
		let c = b[s + i];
		if (c >= 65 && c <= 90) c += 32;
		if (c !== token[i]) return false;
	}
	return true;
}

/** NaN-like ("NaN", "-nan") and infinity-like ("Infinity", "-inf") spellings, in bytes. */
const NAN = new TextEncoder().encode('nan');
const INF = new TextEncoder().encode('inf');
const INFINITY = new TextEncoder().encode('infinity');

export function isNaNAt(b: Uint8Array, s: number, e: number): boolean {
	s = trimStart(b, s, e);
	e = trimEnd(b, s, e);
	if (b[s] === PLUS || b[s] === MINUS) s++;
	return equalsLower(b, s, e, NAN);
}

export function isInfinityAt(b: Uint8Array, s: number, e: number): boolean {
	s = trimStart(b, s, e);
	e = trimEnd(b, s, e);
	if (b[s] === PLUS || b[s] === MINUS) s++;
	return equalsLower(b, s, e, INF) || equalsLower(b, s, e, INFINITY);
}

/** The configured missing-value tokens, matched exactly (after trimming spaces) on bytes. */
export class MissingTokens {
	private readonly byLength: Uint8Array[][] = [];
	private readonly maxLength: number;
	private readonly blank: boolean;
	readonly tokens: ReadonlySet<string>;

	constructor(tokens: readonly string[]) {
		const encoder = new TextEncoder();
		this.tokens = new Set(tokens.map(trimSpaces));
		let max = 0;
		for (const token of this.tokens) {
			const bytes = encoder.encode(token);
			(this.byLength[bytes.length] ??= []).push(bytes);
			max = Math.max(max, bytes.length);
		}
		this.maxLength = max;
		this.blank = this.tokens.has('');
	}

	/** A blank cell (spaces only) counts as '' — missing when '' is listed, as it is by default. */
	isMissingAt(b: Uint8Array, s: number, e: number): boolean {
		if (e - s > this.maxLength + 8 && b[s] !== SPACE && b[s] !== TAB) return false;
		s = trimStart(b, s, e);
		e = trimEnd(b, s, e);
		const length = e - s;
		if (length === 0) return this.blank;
		if (length > this.maxLength) return false;
		const candidates = this.byLength[length];
		if (!candidates) return false;
		outer: for (const token of candidates) {
			for (let i = 0; i < length; i++) if (b[s + i] !== token[i]) continue outer;
			return true;
		}
		return false;
	}

	isMissing(text: string): boolean {
		return this.tokens.has(trimSpaces(text));
	}
}

const QUOTE = 34;

/**
 * Unquote a raw CSV field that starts with a quote and held doubled quotes or text after its
 * closing quote (`"a""b"` → `a"b`, `"a"b` → `ab`). Writes into `out`, returns the length.
 */
export function unquoteInto(b: Uint8Array, s: number, e: number, out: Uint8Array): number {
	let n = 0;
	let quoted = false;
	let i = s;
	if (b[i] === QUOTE) {
		quoted = true;
		i++;
	}
	for (; i < e; i++) {
		const c = b[i];
		if (quoted && c === QUOTE) {
			if (i + 1 < e && b[i + 1] === QUOTE) {
				out[n++] = QUOTE;
				i++;
			} else quoted = false;
			continue;
		}
		out[n++] = c;
	}
	return n;
}
