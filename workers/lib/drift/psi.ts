import type { DriftLevel } from '../../protocol';

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
