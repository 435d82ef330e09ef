import type { CategoricalColumn, Column, Table } from '$workers/protocol';
import { datePartColumns } from '../dates';
import { hmacSha256, toHex, utf8 } from '../hash';
import type { TableStepDefinition } from '../step-definition';
import { categoricalFromStrings, formatNumber, getColumn, mapCategories, removeColumns, setColumn } from '../table-ops';
import { KilnError } from '$shared/errors';
import type { Anonymisation, TableStep } from '../types';
import { invalid, number, object, oneOf, onlyKeys, text } from '../validate';

type Anonymise = Extract<TableStep, { kind: 'anonymise' }>;

/** 16 hex digits = 64 bits of HMAC-SHA-256: collisions only past ~4 billion distinct values. */
const PSEUDONYM_HEX = 16;
export const MIN_SECRET_LENGTH = 16;

function validateMethod(value: unknown, at: string): Anonymisation {
	const raw = object(value, at);
	const type = oneOf(raw, 'type', at, ['drop', 'hash', 'range', 'month', 'mask'] as const);
	switch (type) {
		case 'drop':
		case 'month':
			onlyKeys(raw, at, ['type']);
			return { type };
		case 'hash': {
			onlyKeys(raw, at, ['type', 'secret']);
			const secret = text(raw, 'secret', at);
			if (secret.length < MIN_SECRET_LENGTH) invalid(`${at}.secret`, `must be at least ${MIN_SECRET_LENGTH} characters; a short secret can be guessed and every value recovered.`);
			return { type, secret };
		}
		case 'range': {
			onlyKeys(raw, at, ['type', 'width']);
			const width = number(raw, 'width', at);
			if (!(width > 0)) invalid(`${at}.width`, 'must be above 0.');
			return { type, width };
		}
		case 'mask':
			onlyKeys(raw, at, ['type', 'keepStart', 'keepEnd']);
			return { type, keepStart: number(raw, 'keepStart', at, { min: 0, max: 100, integer: true }), keepEnd: number(raw, 'keepEnd', at, { min: 0, max: 100, integer: true }) };
	}
}

/** Text cells of any column (numbers written exactly), one per distinct value where possible. */
function asText(column: Column): CategoricalColumn {
	if (column.kind === 'categorical') return column;
	const texts = new Array<string | null>(column.values.length);
	for (let r = 0; r < texts.length; r++) texts[r] = Number.isNaN(column.values[r]) ? null : String(column.values[r]);
	return categoricalFromStrings(column.name, texts);
}

/**
 * Keeps `keepStart` leading and `keepEnd` trailing characters and stars the rest, one star per
 * character. A value too short to hide anything is starred whole rather than shown.
 */
export function mask(value: string, keepStart: number, keepEnd: number): string {
	const chars = [...value];
	if (chars.length <= keepStart + keepEnd) return '*'.repeat(chars.length);
	return chars.slice(0, keepStart).join('') + '*'.repeat(chars.length - keepStart - keepEnd) + chars.slice(chars.length - keepEnd).join('');
}

export function pseudonym(value: string, key: Uint8Array): string {
	return toHex(hmacSha256(key, utf8(value))).slice(0, PSEUDONYM_HEX);
}

function numbersOf(column: Column, why: string): Float64Array {
	if (column.kind !== 'numeric') throw new KilnError('PipelineError', `column "${column.name}" holds text, but ${why} needs numbers.`);
	return column.values;
}

function anonymiseColumn(column: Column, method: Anonymisation): Column {
	switch (method.type) {
		case 'hash': {
			const key = utf8(method.secret);
			return mapCategories(asText(column), (v) => pseudonym(v, key));
		}
		case 'mask':
			return mapCategories(asText(column), (v) => mask(v, method.keepStart, method.keepEnd));
		case 'range': {
			const values = numbersOf(column, 'generalising to ranges');
			const labels = new Array<string | null>(values.length);
			for (let r = 0; r < values.length; r++) {
				const lo = Math.floor(values[r] / method.width) * method.width;
				labels[r] = Number.isNaN(lo) ? null : `[${formatNumber(lo)}, ${formatNumber(lo + method.width)})`;
			}
			return categoricalFromStrings(column.name, labels);
		}
		case 'month': {
			const values = numbersOf(column, 'generalising dates (epoch milliseconds) to months');
			const [years, months] = datePartColumns(values, ['year', 'month']);
			const labels = new Array<string | null>(values.length);
			for (let r = 0; r < values.length; r++) labels[r] = Number.isNaN(years[r]) ? null : `${String(years[r]).padStart(4, '0')}-${String(months[r]).padStart(2, '0')}`;
			return categoricalFromStrings(column.name, labels);
		}
		case 'drop':
			return column;
	}
}

const DESCRIPTIONS: Record<Anonymisation['type'], string> = {
	drop: 'drop it',
	hash: 'replace each value with a keyed pseudonym (HMAC-SHA-256 with the project secret)',
	range: 'generalise numbers to ranges',
	month: 'generalise dates to their month',
	mask: 'mask the middle of each value'
};

export const anonymise: TableStepDefinition<Anonymise> = {
	keys: ['column', 'method'],
	validate: (raw, at) => (onlyKeys(raw, at, ['kind', 'column', 'method']), { kind: 'anonymise', column: text(raw, 'column', at), method: validateMethod(raw.method, `${at}.method`) }),
	describe: (s) => {
		const m = s.method;
		const detail = m.type === 'range' ? ` of width ${m.width}` : m.type === 'mask' ? ` (keep ${m.keepStart} first and ${m.keepEnd} last characters)` : '';
		return `Anonymise "${s.column}": ${DESCRIPTIONS[m.type]}${detail}`;
	},
	removesRows: false,
	fit: (step, table) => {
		const column = getColumn(table, step.column);
		if (step.method.type === 'range' || step.method.type === 'month') numbersOf(column, step.method.type === 'range' ? 'generalising to ranges' : 'generalising dates to months');
		return {};
	},
	transform: (step, _params, table: Table) => {
		if (step.method.type === 'drop') return { table: removeColumns(table, [step.column]), warnings: [] };
		return { table: setColumn(table, anonymiseColumn(getColumn(table, step.column), step.method)), warnings: [] };
	},
	effects: (step) => [step.method.type === 'drop' ? { reads: [], writes: [], removes: [step.column] } : { reads: [step.column], writes: [step.column], removes: [] }]
};
