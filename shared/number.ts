/**
 * The one number parser for typed values (predict form, training settings) and files: plain
 * decimals with an optional sign, fraction and exponent. Unlike `Number()` it refuses hex
 * ("0x1A"), binary, octal, "Infinity" and the empty string, which `Number()` reads as 0.
 */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function parseNumber(text: string): number | null {
	const trimmed = text.trim();
	if (!DECIMAL.test(trimmed)) return null;
	const value = Number(trimmed);
	return Number.isFinite(value) ? value : null;
}

/** A whole number, or null (so "3.5", "1e400" and "abc" are all refused). */
export function parseInteger(text: string): number | null {
	const value = parseNumber(text);
	return value !== null && Number.isSafeInteger(value) ? value : null;
}
