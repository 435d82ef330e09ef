import type { SharePipelineStepMore, ShareTfidfFeature } from './kinds-pipeline';
import type { KilnTextRuntime } from './runtime-text';

/** A cell as the pipeline runtime holds it: a number (NaN = missing) or text (null = missing). */
export type PipelineCell = { n: true; v: number } | { n: false; v: string | null };

/**
 * A derive step on one row: `columns` are the row's columns, in order, with their cells. The
 * library passes the studio's own expression parser and evaluator (derive-engine.ts); the link
 * never carries code, only the expression's source.
 */
export type DeriveEngine = (expression: string, columns: { name: string; cell: PipelineCell }[]) => PipelineCell;

/**
 * The pipeline runtime's date-parts, derive, anonymise (drop, ranges, months, masking) and
 * mask-PII steps and its TF-IDF encoding, replaying workers/lib/data/pipeline/steps/{dates,
 * derive,anonymise,mask-pii}.ts and features/tfidf.ts on one row. A factory with no outside
 * references (the standalone page embeds its source): the tokeniser comes in as the text
 * runtime, expressions as `derive` (a page without one refuses derive steps by name).
 */
export function kilnPipelineMore(text?: KilnTextRuntime, derive?: DeriveEngine) {
	type Cell = PipelineCell;
	const DAY_MS = 86_400_000;
	// workers/lib/text/pii.ts, pattern for pattern.
	const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){0,8}\.\p{L}{2,24}/gu;
	const PHONE = /(?<![\p{L}\p{N}+@._/-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{2,5}(?:[ .-]?\d{2,5}){1,4}(?![\p{L}\p{N}@]|[.-]\d)/gu;
	const NOT_PHONE = [/^\d{4}[.-]\d{1,2}[.-]\d{1,2}$|^\d{1,2}[.-]\d{1,2}[.-]\d{2,4}$/, /^\d{1,3}(?:\.\d{1,3}){3}$/, /^\d+\.\d+$/];
	// The importer's year-first dates (workers/lib/data/import/dates.ts, order 'ymd'), read as UTC.
	const ISO = /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?: ([AaPp])[Mm])?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;

	function fail(kind: string, message: string): never {
		const error = new Error(message);
		error.name = kind;
		throw error;
	}

	function daysFromCivil(y: number, m: number, d: number): number {
		y -= m <= 2 ? 1 : 0;
		const era = Math.floor(y / 400);
		const yoe = y - era * 400;
		const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
		return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
	}

	function parseIsoDate(raw: string): number {
		const t = raw.trim();
		const m = t.length <= 64 ? ISO.exec(t) : null;
		if (!m) return NaN;
		const [y, mo, d] = [Number(m[1]), Number(m[3]), Number(m[4])];
		const days = mo === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : [4, 6, 9, 11].indexOf(mo) >= 0 ? 30 : 31;
		if (mo < 1 || mo > 12 || d < 1 || d > days) return NaN;
		const day = daysFromCivil(y, mo, d) * DAY_MS;
		if (m[5] === undefined) return day;
		let hour = Number(m[5]);
		const min = Number(m[6]);
		const sec = m[7] === undefined ? 0 : Number(m[7]);
		const ms = m[8] === undefined ? 0 : Math.floor(Number(m[8]) / 10 ** (m[8].length - 3));
		if (m[9] !== undefined) {
			if (hour < 1 || hour > 12) return NaN;
			hour = (hour % 12) + (m[9].toLowerCase() === 'p' ? 12 : 0);
		}
		if (hour > 23 || min > 59 || sec > 60) return NaN;
		let offset = 0;
		if (m[11] !== undefined) {
			const oh = Number(m[12]);
			const om = m[13] === undefined ? 0 : Number(m[13]);
			if (oh > 23 || om > 59) return NaN;
			offset = (m[11] === '+' ? 1 : -1) * (oh * 60 + om) * 60_000;
		}
		return day + ((hour * 60 + min) * 60 + sec) * 1000 + ms - offset;
	}

	/** workers/lib/data/pipeline/dates.ts for one value: [year, month, day, weekday (0 = Monday), hour], NaN when not a valid Date. */
	function dateParts(value: number): number[] {
		const ms = Math.trunc(value) + 0;
		if (!isFinite(ms) || Math.abs(ms) > 8.64e15) return [NaN, NaN, NaN, NaN, NaN];
		const days = Math.floor(ms / DAY_MS);
		const hour = Math.floor((ms - days * DAY_MS) / 3_600_000);
		const weekday = (((days + 3) % 7) + 7) % 7;
		const z = days + 719_468;
		const era = Math.floor(z / 146_097);
		const doe = z - era * 146_097;
		const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
		const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
		const mp = Math.floor((5 * doy + 2) / 153);
		const month = mp < 10 ? mp + 3 : mp - 9;
		return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, doy - Math.floor((153 * mp + 2) / 5) + 1, weekday, hour];
	}
	const PART_INDEX: Record<string, number> = { year: 0, month: 1, day: 2, weekday: 3, hour: 4 };

	function maskPii(value: string, kinds: string[]): string {
		const found: { label: string; start: number; end: number }[] = [];
		if (kinds.indexOf('email') >= 0) for (const m of value.matchAll(EMAIL)) found.push({ label: '[EMAIL]', start: m.index!, end: m.index! + m[0].length });
		if (kinds.indexOf('phone') >= 0) {
			for (const m of value.matchAll(PHONE)) {
				const s = m[0];
				const digits = s.replace(/\D/g, '').length;
				if (digits < 7 || digits > 15 || NOT_PHONE.some((re) => re.test(s))) continue;
				const start = m.index!;
				const end = start + s.length;
				if (!found.some((f) => f.start < end && start < f.end)) found.push({ label: '[PHONE]', start, end });
			}
		}
		found.sort((a, b) => a.start - b.start);
		let out = '';
		let at = 0;
		for (const f of found) {
			out += value.slice(at, f.start) + f.label;
			at = f.end;
		}
		return out + value.slice(at);
	}

	const formatNumber = (v: number) => (isFinite(v) ? String(Number(v.toPrecision(6))) : String(v));
	const asText = (c: Cell): string | null => (c.n ? (c.v !== c.v ? null : String(c.v)) : c.v);
	function numbers(c: Cell, column: string, why: string): number {
		return c.n ? c.v : fail('ValidationError', `"${column}" holds text here, but ${why} needs numbers.`);
	}

	function step(s: SharePipelineStepMore, cells: Map<string, Cell>, get: (name: string) => Cell, warnings: string[]): void {
		if (s.kind === 'date-parts') {
			const parts = dateParts(numbers(get(s.column), s.column, 'date parts (dates as epoch milliseconds)'));
			s.parts.forEach((part) => cells.set(`${s.column}_${part}`, { n: true, v: parts[PART_INDEX[part]] }));
			if (!s.keepSource) cells.delete(s.column);
		} else if (s.kind === 'derive') {
			if (!derive) fail('ValidationError', `This page cannot compute the derived column "${s.name}" (it carries no expression parser); open the share link in Kiln instead.`);
			const columns: { name: string; cell: Cell }[] = [];
			cells.forEach((cell, name) => columns.push({ name, cell }));
			cells.set(s.name, derive(s.expression, columns));
		} else if (s.kind === 'mask-pii') {
			const c = get(s.column);
			if (c.n) fail('ValidationError', `"${s.column}" holds numbers here; masking e-mails and phone numbers needs text.`);
			const masked = c.v === null ? null : maskPii(c.v, s.kinds);
			if (masked !== c.v) warnings.push(`Masked e-mail addresses or phone numbers in "${s.column}".`);
			cells.set(s.column, { n: false, v: masked });
		} else {
			const m = s.method;
			const c = get(s.column);
			if (m.type === 'drop') cells.delete(s.column);
			else if (m.type === 'mask') {
				const t = asText(c);
				let out: string | null = null;
				if (t !== null) {
					const chars = Array.from(t);
					out = chars.length <= m.keepStart + m.keepEnd ? '*'.repeat(chars.length) : chars.slice(0, m.keepStart).join('') + '*'.repeat(chars.length - m.keepStart - m.keepEnd) + chars.slice(chars.length - m.keepEnd).join('');
				}
				cells.set(s.column, { n: false, v: out });
			} else if (m.type === 'range') {
				const lo = Math.floor(numbers(c, s.column, 'generalising to ranges') / m.width) * m.width;
				cells.set(s.column, { n: false, v: lo !== lo ? null : `[${formatNumber(lo)}, ${formatNumber(lo + m.width)})` });
			} else {
				const [y, mo] = dateParts(numbers(c, s.column, 'generalising dates (epoch milliseconds) to months'));
				cells.set(s.column, { n: false, v: y !== y ? null : `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}` });
			}
		}
	}

	/** TF-IDF weights of one text into x[offset …], as features/tfidf.ts (missing text: zeros). */
	function tfidf(f: ShareTfidfFeature, value: string | null, x: Float32Array, offset: number, warnings: string[]): void {
		if (value === null) return;
		if (!text) fail('ValidationError', `This page cannot read the text column "${f.column}".`);
		const cache = f as ShareTfidfFeature & { _columns?: Map<string, number>; _idf?: number[] };
		if (!cache._columns) {
			Object.defineProperty(cache, '_columns', { value: new Map(f.terms.map((t, i) => [t, i])) });
			Object.defineProperty(cache, '_idf', { value: f.df.map((df) => Math.log((1 + f.documents) / (1 + df)) + 1) });
		}
		const column = cache._columns!;
		const idf = cache._idf!;
		const { tokens, warnings: tokenWarnings } = text.tokensOf(value, f.rules);
		if (tokens.length > 0 || value.trim() !== '') warnings.push(...tokenWarnings.map((w) => `"${f.column}": ${w}`));
		const counts = new Map<number, number>();
		const add = (gram: string) => {
			const c = column.get(gram);
			if (c !== undefined) counts.set(c, (counts.get(c) ?? 0) + 1);
		};
		tokens.forEach(add);
		for (let n = 2; n <= f.ngrams; n++) for (let i = 0; i + n <= tokens.length; i++) add(tokens.slice(i, i + n).join(' '));
		let sum = 0;
		for (const [c, count] of counts) {
			const w = (f.sublinear ? 1 + Math.log(count) : count) * idf[c];
			counts.set(c, w);
			sum += w * w;
		}
		const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
		for (const [c, w] of counts) x[offset + c] = w * scale;
	}

	return { parseIsoDate, step, tfidf };
}

export type KilnPipelineMore = ReturnType<typeof kilnPipelineMore>;
