/**
 * The one number parser for files and forms. `Number()` accepts "0x1A", "1_000" is refused but
 * "" becomes 0 and "Infinity" a number; a person typing or a file holding such text means
 * something else, so only plain decimal text is a number here.
 *
 * Grammar (default format): optional spaces/tabs, optional sign, digits with an optional
 * fraction ("1", "1.", "1.5", ".5"), optional exponent ("e-3"), optional spaces/tabs.
 * No hex, no "Infinity"/"NaN", no thousands separators unless `format.thousands` says so.
 * The importer's byte-level parser (workers/lib/data/import/cells.ts) follows the same grammar
 * and a property test keeps the two equal.
 */
export interface NumberFormat {
	/** The decimal mark; ',' for most of continental Europe. Default '.'. */
	decimal?: '.' | ',';
	/** A thousands separator to accept between groups of three digits. Default: none. */
	thousands?: '' | ',' | '.' | ' ' | "'" | '\u00a0' | '\u202f';
}

const PLAIN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const EDGE_SPACE = /^[ \t]+|[ \t]+$/g;

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const groupedCache = new Map<string, RegExp>();
function groupedPattern(thousands: string, decimal: string): RegExp {
	const key = thousands + decimal;
	let re = groupedCache.get(key);
	if (!re) {
		const t = escapeRegExp(thousands);
		const d = escapeRegExp(decimal);
		re = new RegExp(`^[+-]?\\d{1,3}(?:${t}\\d{3})+(?:${d}\\d*)?(?:[eE][+-]?\\d+)?$`);
		groupedCache.set(key, re);
	}
	return re;
}

/** The finite number the text spells, or undefined when it is not a plain decimal number. */
export function parseNumber(text: string, format: NumberFormat = {}): number | undefined {
	let s = text.indexOf(' ') >= 0 || text.indexOf('\t') >= 0 ? text.replace(EDGE_SPACE, '') : text;
	const decimal = format.decimal ?? '.';
	const thousands = format.thousands ?? '';
	if (thousands !== '' && thousands === decimal) return undefined;
	if (thousands !== '' && s.includes(thousands)) {
		if (!groupedPattern(thousands, decimal).test(s)) return undefined;
		s = s.split(thousands).join('');
	}
	if (decimal === ',') {
		if (s.includes('.')) return undefined;
		s = s.replace(',', '.');
	}
	if (!PLAIN.test(s)) return undefined;
	const value = Number(s);
	return Number.isFinite(value) ? value : undefined;
}

/** "08123", "-007", "00.5": a leading zero before more digits marks a code (ZIP, ID), not a quantity. */
export function hasLeadingZero(text: string): boolean {
	const s = text.trim();
	let i = s[0] === '+' || s[0] === '-' ? 1 : 0;
	if (s[i] !== '0') return false;
	i++;
	return i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;
}

/** "NaN", "-nan", "NAN": spellings of not-a-number, which mean a missing value. */
export function isNaNText(text: string): boolean {
	return /^[ \t]*[+-]?nan[ \t]*$/i.test(text);
}

/** "Infinity", "-inf", "+INF": spellings of an infinite value, which a model cannot use. */
export function isInfinityText(text: string): boolean {
	return /^[ \t]*[+-]?inf(?:inity)?[ \t]*$/i.test(text);
}

/** A whole number, or undefined (so "3.5", "1e400" and "abc" are all refused). */
export function parseInteger(text: string): number | undefined {
	const value = parseNumber(text);
	return value !== undefined && Number.isSafeInteger(value) ? value : undefined;
}
