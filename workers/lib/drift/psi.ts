import type { DriftLevel } from '../../protocol';
import { createRng } from '../random';

/** A share of zero would make the index infinite; the usual floor stands in for it. */
const FLOOR = 1e-4;

/** Population stability index Σ (c − r)·ln(c / r) over matching shares of two distributions. */
export function psi(reference: readonly number[], current: readonly number[]): number {
	let sum = 0;
	for (let i = 0; i < reference.length; i++) {
		const r = Math.max(reference[i], FLOOR);
		const c = Math.max(current[i], FLOOR);
		sum += (c - r) * Math.log(c / r);
	}
	return sum;
}

export function driftLevel(index: number): DriftLevel {
	return index < 0.1 ? 'stable' : index < 0.25 ? 'moderate' : 'major';
}

/** Above this many new rows chance moves the index by less than 0.05 (10 deciles); no simulation. */
export const CHANCE_ROWS = 500;
const DRAWS = 300;

/**
 * The index that 95 % of samples of `rows` rows drawn from the reference shares stay under: how
 * far chance alone moves it at this size (seeded, so a check is reproducible). With 10 deciles it
 * is ~6.9 at 3 rows, ~4 at 10, ~1.5 at 30, ~0.18 at 100 (the floor makes each empty bin cost
 * ~0.69), so a small file is judged against it rather than against the fixed bands. 0 when the
 * sample is large enough for the bands alone.
 */
export function chanceIndex(reference: readonly number[], rows: number, seed = 1): number {
	if (rows <= 0 || rows > CHANCE_ROWS) return 0;
	const total = reference.reduce((a, b) => a + b, 0);
	if (total <= 0) return 0;
	const cumulative: number[] = [];
	let sum = 0;
	for (const r of reference) cumulative.push((sum += r / total));
	const rng = createRng(seed);
	const counts = new Array<number>(reference.length);
	const found: number[] = [];
	for (let d = 0; d < DRAWS; d++) {
		counts.fill(0);
		for (let i = 0; i < rows; i++) {
			const u = rng();
			let b = 0;
			while (b < cumulative.length - 1 && u >= cumulative[b]) b++;
			counts[b]++;
		}
		found.push(psi(reference, counts.map((c) => c / rows)));
	}
	found.sort((a, b) => a - b);
	return found[Math.floor(0.95 * (DRAWS - 1))];
}
