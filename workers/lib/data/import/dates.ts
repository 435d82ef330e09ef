/**
 * Dates and date-times read from bytes into epoch milliseconds (UTC). Understood:
 * ISO 8601 `2024-03-05`, `2024-03-05T14:30`, `2024-03-05 14:30:15.250`, with `Z` or `+01:00`,
 * `2024/03/05`; day/month/year and month/day/year with `/`, `-` or `.` and a 4-digit year,
 * optionally followed by a time (`13:45`, `1:45 PM`). A date-time without a zone is read as UTC,
 * so the stored instant shows the same wall-clock time everywhere. Month names, 2-digit years
 * and times without a date stay text.
 */
export type DateOrder = 'ymd' | 'dmy' | 'mdy';

const DASH = 45;
const SLASH = 47;
const DOT = 46;
const COLON = 58;
const SPACE = 32;
const T = 84;
const Z = 90;
const PLUS = 43;
const COMMA = 44;
const DAY_MS = 86_400_000;

function daysFromCivil(y: number, m: number, d: number): number {
	y -= m <= 2 ? 1 : 0;
	const era = Math.floor(y / 400);
	const yoe = y - era * 400;
	const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
	const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
	return era * 146097 + doe - 719468;
}

function daysInMonth(y: number, m: number): number {
	if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
	return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Reads digits starting at `i`; returns the value and advances `cursor.i`. */
const cursor = { i: 0, n: 0 };
function digits(b: Uint8Array, i: number, e: number, max: number): number {
	let v = 0;
	let n = 0;
	while (i < e && n < max) {
		const d = b[i] - 48;
		if (d < 0 || d > 9) break;
		v = v * 10 + d;
		i++;
		n++;
	}
	cursor.i = i;
	cursor.n = n;
	return v;
}

/** Digits read by the last `digits` call (a function, so TypeScript does not narrow it). */
function count(): number {
	return cursor.n;
}

/** Milliseconds of a time part `HH:MM[:SS[.fff]][ AM|PM][Z|±HH[:MM]]` at [i, e), or NaN. */
function timeAt(b: Uint8Array, i: number, e: number): number {
	const h = digits(b, i, e, 2);
	if (count() === 0 || cursor.i >= e || b[cursor.i] !== COLON) return NaN;
	const m = digits(b, cursor.i + 1, e, 2);
	if (count() !== 2) return NaN;
	i = cursor.i;
	let sec = 0;
	let ms = 0;
	if (i < e && b[i] === COLON) {
		sec = digits(b, i + 1, e, 2);
		if (count() !== 2) return NaN;
		i = cursor.i;
		if (i < e && (b[i] === DOT || b[i] === COMMA)) {
			const start = i + 1;
			const frac = digits(b, start, e, 9);
			if (count() === 0) return NaN;
			ms = Math.floor(frac / 10 ** (count() - 3));
			i = cursor.i;
		}
	}
	let hour = h;
	if (i + 3 <= e && b[i] === SPACE) {
		const a = b[i + 1] | 32;
		if ((a === 97 || a === 112) && (b[i + 2] | 32) === 109) {
			if (h < 1 || h > 12) return NaN;
			hour = (h % 12) + (a === 112 ? 12 : 0);
			i += 3;
		}
	}
	if (hour > 23 || m > 59 || sec > 60) return NaN;
	let offset = 0;
	if (i < e && b[i] === Z) i++;
	else if (i < e && (b[i] === PLUS || b[i] === DASH)) {
		const sign = b[i] === PLUS ? 1 : -1;
		const oh = digits(b, i + 1, e, 2);
		if (count() !== 2) return NaN;
		i = cursor.i;
		let om = 0;
		if (i < e && b[i] === COLON) i++;
		if (i < e) {
			om = digits(b, i, e, 2);
			if (count() !== 2) return NaN;
			i = cursor.i;
		}
		if (oh > 23 || om > 59) return NaN;
		offset = sign * (oh * 60 + om) * 60_000;
	}
	if (i !== e) return NaN;
	return ((hour * 60 + m) * 60 + sec) * 1000 + ms - offset;
}

/** Epoch milliseconds (UTC) of the date in bytes [s, e) read in `order`, or NaN. */
export function parseDateAt(b: Uint8Array, s: number, e: number, order: DateOrder): number {
	while (s < e && b[s] === SPACE) s++;
	while (e > s && b[e - 1] === SPACE) e--;
	const p1 = digits(b, s, e, 4);
	const l1 = count();
	let i = cursor.i;
	if (i >= e) return NaN;
	const sep = b[i];
	if (sep !== DASH && sep !== SLASH && sep !== DOT) return NaN;
	const p2 = digits(b, i + 1, e, 2);
	const l2 = count();
	i = cursor.i;
	if (l2 === 0 || i >= e || b[i] !== sep) return NaN;
	const p3 = digits(b, i + 1, e, 4);
	const l3 = count();
	i = cursor.i;
	let y: number, m: number, d: number;
	if (order === 'ymd') {
		if (l1 !== 4 || l3 === 0 || l3 > 2 || sep === DOT) return NaN;
		[y, m, d] = [p1, p2, p3];
	} else {
		if (l1 === 0 || l1 > 2 || l3 !== 4) return NaN;
		y = p3;
		[d, m] = order === 'dmy' ? [p1, p2] : [p2, p1];
	}
	if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return NaN;
	const day = daysFromCivil(y, m, d) * DAY_MS;
	if (i === e) return day;
	if (b[i] !== T && b[i] !== SPACE) return NaN;
	const time = timeAt(b, i + 1, e);
	return Number.isNaN(time) ? NaN : day + time;
}

const scratch = new Uint8Array(64);
/** String form of `parseDateAt`, for JSON and Parquet values and for inference. */
export function parseDate(text: string, order: DateOrder): number {
	const n = text.length;
	if (n > scratch.length) return NaN;
	for (let i = 0; i < n; i++) {
		const c = text.charCodeAt(i);
		if (c > 127) return NaN;
		scratch[i] = c;
	}
	return parseDateAt(scratch, 0, n, order);
}

export interface DateFormatGuess {
	order: DateOrder;
	/** Every value read the same as day/month and as month/day: the order is a convention. */
	ambiguous: boolean;
}

/**
 * Which order reads every value as a date. When both day/month and month/day fit every value
 * (no day above 12 in the sample), the separator decides: '.' and '-' are day-first
 * conventions (Europe), '/' month-first (US spreadsheets); the guess is marked ambiguous.
 */
export function detectDateOrder(values: readonly string[]): DateFormatGuess | null {
	if (values.length === 0) return null;
	if (values.every((v) => !Number.isNaN(parseDate(v, 'ymd')))) return { order: 'ymd', ambiguous: false };
	const dmy = values.every((v) => !Number.isNaN(parseDate(v, 'dmy')));
	const mdy = values.every((v) => !Number.isNaN(parseDate(v, 'mdy')));
	if (dmy && mdy) return { order: values[0].trim().includes('/') ? 'mdy' : 'dmy', ambiguous: true };
	if (dmy) return { order: 'dmy', ambiguous: false };
	if (mdy) return { order: 'mdy', ambiguous: false };
	return null;
}
