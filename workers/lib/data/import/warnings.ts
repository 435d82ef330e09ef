import type { ImportWarning, SemanticType } from './types';

interface CellTally {
	count: number;
	line: number;
	value: string;
}

/**
 * Collects warnings; cells that do not fit their column are tallied per column (count and the
 * first place) so a million bad cells make one message, not a million.
 */
export class WarningLog {
	private readonly list: ImportWarning[] = [];
	private readonly mismatches = new Map<number, CellTally>();
	private readonly nonFinite = new Map<number, CellTally>();
	private readonly seen = new Set<string>();

	constructor(
		private readonly names: () => readonly string[],
		private readonly semantics: () => readonly SemanticType[]
	) {}

	add(warning: ImportWarning): void {
		this.list.push(warning);
	}

	/** Adds a warning only the first time `key` is seen (e.g. one invalid-encoding note per file). */
	once(key: string, warning: ImportWarning): void {
		if (this.seen.has(key)) return;
		this.seen.add(key);
		this.list.push(warning);
	}

	/** The warnings so far (not the cell tallies), to be restored in another import of the same rows. */
	snapshot(): { list: ImportWarning[]; seen: string[] } {
		return { list: [...this.list], seen: [...this.seen] };
	}

	restore(snapshot: { list: readonly ImportWarning[]; seen: readonly string[] }): void {
		this.list.push(...snapshot.list);
		for (const key of snapshot.seen) this.seen.add(key);
	}

	mismatch(column: number, line: number, value: () => string): void {
		tally(this.mismatches, column, line, value);
	}

	infinite(column: number, line: number, value: () => string): void {
		tally(this.nonFinite, column, line, value);
	}

	get mismatchCount(): number {
		let n = 0;
		for (const t of this.mismatches.values()) n += t.count;
		return n;
	}

	finish(unit = 'line'): ImportWarning[] {
		const names = this.names();
		const semantics = this.semantics();
		const out = [...this.list];
		for (const [c, t] of this.mismatches) {
			const many = t.count === 1 ? 'value' : 'values';
			out.push({
				kind: 'type-mismatch',
				column: names[c],
				count: t.count,
				line: t.line,
				message: `Column "${names[c]}": ${t.count.toLocaleString('en')} ${many} did not fit its type (${semantics[c]}) and ${t.count === 1 ? 'was' : 'were'} stored as missing (first on ${unit} ${t.line}: ${JSON.stringify(clip(t.value))}). Set the column type to text to keep such values.`
			});
		}
		for (const [c, t] of this.nonFinite) {
			out.push({
				kind: 'non-finite',
				column: names[c],
				count: t.count,
				line: t.line,
				message: `Column "${names[c]}": ${t.count.toLocaleString('en')} infinite ${t.count === 1 ? 'value' : 'values'} (first on ${unit} ${t.line}: ${JSON.stringify(clip(t.value))}) stored as missing; a model cannot use an infinite number.`
			});
		}
		return out;
	}
}

function tally(map: Map<number, CellTally>, column: number, line: number, value: () => string): void {
	const t = map.get(column);
	if (t) t.count++;
	else map.set(column, { count: 1, line, value: value() });
}

function clip(text: string): string {
	return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
