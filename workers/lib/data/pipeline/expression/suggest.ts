/** Edit distance, for "did you mean" hints on misspelt column and function names. */
export function editDistance(a: string, b: string): number {
	let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
		}
		previous = current;
	}
	return previous[b.length];
}

/** The closest candidate, if close enough to be a likely typo (case and spacing ignored). */
export function closest(name: string, candidates: readonly string[]): string | null {
	const norm = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');
	const target = norm(name);
	let best: string | null = null;
	let bestDistance = Infinity;
	for (const candidate of candidates) {
		if (candidate.length > 200) continue;
		const d = editDistance(target, norm(candidate));
		if (d < bestDistance) {
			best = candidate;
			bestDistance = d;
		}
	}
	return best !== null && bestDistance <= Math.max(2, Math.floor(target.length / 3)) ? best : null;
}

export function didYouMean(name: string, candidates: readonly string[]): string {
	const hint = closest(name, candidates);
	return hint === null ? '' : ` Did you mean "${hint}"?`;
}
