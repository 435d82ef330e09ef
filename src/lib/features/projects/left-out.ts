import type { ProfileWarning } from '$workers/lib/data/profile/types';

/** A column a new model does not learn from unless a person ticks it, and why. */
export interface LeftOut {
	column: string;
	reason: string;
}

const REASONS: Partial<Record<ProfileWarning['kind'], string>> = {
	'id-like': 'an identifier',
	pii: 'personal data',
	constant: 'one value only'
};

/**
 * The columns the profile flagged as identifiers, personal data (names, e-mails, phone numbers …)
 * or constant, among `features`, in their order: a model learns nothing general from them, and the
 * profile already advises dropping names and the like. A new model's default features leave them
 * out (Train, Tune, Find a model, Trust's first runs); a person can tick them back. Leakage is warned about, not left
 * out: whether a column is the answer in disguise is the person's call.
 */
export function leftOutColumns(warnings: readonly ProfileWarning[] | undefined, features: readonly string[]): LeftOut[] {
	const reasons = new Map<string, string>();
	for (const w of warnings ?? []) {
		const reason = REASONS[w.kind];
		if (reason && w.column && !reasons.has(w.column)) reasons.set(w.column, reason);
	}
	const leftOut = features.filter((f) => reasons.has(f)).map((column) => ({ column, reason: reasons.get(column)! }));
	// Every column flagged: leave the choice to the person rather than offer a model with no inputs.
	return leftOut.length === features.length ? [] : leftOut;
}

/** "name (personal data), id (an identifier)": the left-out columns in a sentence. */
export const leftOutText = (leftOut: readonly LeftOut[]): string => leftOut.map((l) => `${l.column} (${l.reason})`).join(', ');
