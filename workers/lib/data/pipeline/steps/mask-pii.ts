import { KilnError } from '$shared/errors';
import { maskPii, type PiiKind } from '$workers/lib/text/pii';
import type { TableStepDefinition } from '../step-definition';
import { getColumn, mapCategories, setColumn } from '../table-ops';
import type { TableStep } from '../types';
import { invalid, onlyKeys, text } from '../validate';

type MaskPii = Extract<TableStep, { kind: 'mask-pii' }>;
const KINDS: readonly PiiKind[] = ['email', 'phone'];

/**
 * Replaces e-mail addresses and phone numbers inside a text column with [EMAIL] / [PHONE]
 * (pattern matching: see workers/lib/text/pii.ts). Runs on prediction files too, so the model
 * never sees the raw values there either.
 */
export const maskPiiStep: TableStepDefinition<MaskPii> = {
	keys: ['column', 'kinds'],
	validate: (raw, at) => {
		onlyKeys(raw, at, ['kind', 'column', 'kinds']);
		const kinds = raw.kinds;
		if (!Array.isArray(kinds) || kinds.length === 0 || kinds.some((k) => !KINDS.includes(k as PiiKind)) || new Set(kinds).size !== kinds.length) {
			invalid(`${at}.kinds`, `expected a non-empty list of ${KINDS.map((k) => `"${k}"`).join(', ')}, each once.`);
		}
		return { kind: 'mask-pii', column: text(raw, 'column', at), kinds: kinds as PiiKind[] };
	},
	describe: (s) => `Mask ${s.kinds.map((k) => (k === 'email' ? 'e-mail addresses' : 'phone numbers')).join(' and ')} in "${s.column}"`,
	removesRows: false,
	fit: (step, table) => {
		if (getColumn(table, step.column).kind !== 'categorical') throw new KilnError('PipelineError', `column "${step.column}" holds numbers; masking e-mails and phone numbers needs text.`);
		return {};
	},
	transform: (step, _params, table) => {
		const column = getColumn(table, step.column);
		if (column.kind !== 'categorical') throw new KilnError('PipelineError', `column "${step.column}" holds numbers; masking e-mails and phone numbers needs text.`);
		// mapCategories calls back once per category, in order: remember which ones changed.
		const changed = new Uint8Array(column.categories.length);
		let at = 0;
		const out = mapCategories(column, (v) => {
			const m = maskPii(v, step.kinds).text;
			changed[at++] = m !== v ? 1 : 0;
			return m;
		});
		let rows = 0;
		for (const code of column.codes) if (code >= 0 && changed[code]) rows++;
		const warnings = rows > 0 ? [{ message: `Masked e-mail addresses or phone numbers in ${rows} row${rows === 1 ? '' : 's'} of "${step.column}".`, count: rows, examples: [] }] : [];
		return { table: setColumn(table, out), warnings };
	},
	effects: (step) => [{ reads: [step.column], writes: [step.column], removes: [] }]
};
