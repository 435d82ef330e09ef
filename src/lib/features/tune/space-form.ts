import { parseNumber } from '$shared/number';
import { validateSpace } from '$workers/lib/tune';
import type { ParamSpec, ParamValue, SearchSpace } from '$workers/protocol';

/** One parameter of the search space as the editor holds it: text, so a typo can be named. */
export interface ParamRow {
	name: string;
	/** Searched; otherwise the base config's value is used. */
	enabled: boolean;
	type: ParamSpec['type'];
	low: string;
	high: string;
	log: boolean;
	/** Comma-separated choices for a categorical parameter. */
	choices: string;
}

/** Rows for a space; `enabled` false offers the parameters switched off (a family's optional dimensions). */
export function rowsFromSpace(space: SearchSpace, enabled = true): ParamRow[] {
	return Object.entries(space).map(([name, spec]) => ({
		name,
		enabled,
		type: spec.type,
		low: spec.type === 'categorical' ? '' : String(spec.low),
		high: spec.type === 'categorical' ? '' : String(spec.high),
		log: spec.type !== 'categorical' && !!spec.log,
		choices: spec.type === 'categorical' ? spec.choices.join(', ') : ''
	}));
}

function parseChoice(text: string): ParamValue {
	if (text === 'true' || text === 'false') return text === 'true';
	return parseNumber(text) ?? text;
}

/** The space the rows describe, or a message per row (and overall) saying what to fix. */
export function spaceFromRows(rows: ParamRow[]): { space: SearchSpace | null; problems: Record<string, string> } {
	const problems: Record<string, string> = {};
	const space: SearchSpace = {};
	for (const row of rows.filter((r) => r.enabled)) {
		if (row.type === 'categorical') {
			const choices = [...new Set(row.choices.split(',').map((c) => c.trim()).filter(Boolean))].map(parseChoice);
			if (choices.length === 0) problems[row.name] = 'List at least one choice, separated by commas.';
			else space[row.name] = { type: 'categorical', choices };
			continue;
		}
		const low = parseNumber(row.low);
		const high = parseNumber(row.high);
		if (low === undefined || high === undefined) problems[row.name] = 'Type a number in both ends of the range.';
		else if (!(low < high)) problems[row.name] = 'The lower end must be below the upper end.';
		else if (row.log && low <= 0) problems[row.name] = 'A log range must start above 0.';
		else if (row.type === 'int' && (!Number.isInteger(low) || !Number.isInteger(high))) problems[row.name] = 'Whole numbers for a whole-number parameter.';
		else space[row.name] = { type: row.type, low, high, ...(row.log ? { log: true } : {}) };
	}
	if (Object.keys(problems).length === 0) {
		if (Object.keys(space).length === 0) problems[''] = 'Search at least one parameter.';
		else {
			try {
				validateSpace(space);
			} catch (e) {
				problems[''] = (e as Error).message;
			}
		}
	}
	return { space: Object.keys(problems).length === 0 ? space : null, problems };
}
