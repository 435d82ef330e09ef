import { createRng, shuffleInPlace } from './random';

/**
 * Seeded holdout split. With labels it is stratified: each class keeps its share in both
 * parts, which matters for small sets like iris where a plain split can starve a class.
 */
export function holdoutSplit(rows: Int32Array, fraction: number, seed: number, labels?: ArrayLike<number>): { train: Int32Array; holdout: Int32Array } {
	const rng = createRng(seed ^ 0x5eed);
	const groups = new Map<number, number[]>();
	rows.forEach((row, i) => {
		const key = labels ? labels[i] : 0;
		const group = groups.get(key) ?? [];
		group.push(row);
		groups.set(key, group);
	});
	const train: number[] = [];
	const holdout: number[] = [];
	for (const key of [...groups.keys()].sort((a, b) => a - b)) {
		const group = shuffleInPlace(groups.get(key)!, rng);
		// A class with one row goes to training: it cannot be both learned and tested.
		const take = group.length > 1 ? Math.max(1, Math.round(group.length * fraction)) : 0;
		// Loops, not push(...spread): a spread of 100k+ rows overflows the call stack.
		for (let i = 0; i < group.length; i++) (i < take ? holdout : train).push(group[i]);
	}
	return { train: Int32Array.from(shuffleInPlace(train, rng)), holdout: Int32Array.from(holdout.sort((a, b) => a - b)) };
}
