/** Reserved ids every Kiln tokeniser starts with, so models can rely on them. */
export const PAD = '[PAD]';
export const UNK = '[UNK]';
export const PAD_ID = 0;
export const UNK_ID = 1;
export const SPECIALS = [PAD, UNK] as const;

/** Token counts in first-seen order, so ties below break the same way on every run. */
export class TokenCounter {
	readonly counts = new Map<string, number>();

	add(tokens: Iterable<string>, times = 1): void {
		for (const t of tokens) this.counts.set(t, (this.counts.get(t) ?? 0) + times);
	}
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Tokens seen at least `minCount` times, most frequent first (ties in code-unit order, so the
 * result does not depend on the order texts came in), at most `maxSize` including the specials.
 */
export function buildVocabulary(counts: Map<string, number>, maxSize: number, minCount: number, reserved: readonly string[] = SPECIALS): string[] {
	const kept = [...counts].filter(([token, n]) => n >= minCount && !reserved.includes(token));
	kept.sort((a, b) => b[1] - a[1] || byCodeUnits(a[0], b[0]));
	return [...reserved, ...kept.slice(0, Math.max(0, maxSize - reserved.length)).map(([token]) => token)];
}

export function indexOf(vocabulary: readonly string[]): Map<string, number> {
	return new Map(vocabulary.map((t, i) => [t, i]));
}
