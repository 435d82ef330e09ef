// The seeded synthetic table of the tree speed benches (trees-speed.mjs, forest-predict.mjs).
import { mulberry32 as rng } from '../../scripts/rng.mjs';
export { rng };

/** 20 columns: 8 informative (non-linear interactions), 4 noisy copies, 8 pure noise; 1 % label noise. */
export function makeTable(n, D = 20) {
	const r = rng(20261125);
	const gauss = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
	const x = new Float32Array(n * D);
	const y = new Int32Array(n);
	for (let i = 0; i < n; i++) {
		const row = x.subarray(i * D, i * D + D);
		for (let j = 0; j < D; j++) row[j] = gauss();
		for (let j = 8; j < 12; j++) row[j] = row[j - 8] + 0.5 * gauss();
		row[19] = Math.round(row[19] * 2); // a few distinct values, like a coded column
		const score = Math.sin(row[0] * 1.5) + row[1] * row[2] + 0.8 * Math.abs(row[3]) - 0.6 + 0.5 * row[4] - (row[5] > 0.5 ? 0.7 : 0) + 0.3 * row[6] * row[7];
		y[i] = (score > 0) !== r() < 0.01 ? 1 : 0;
	}
	return { x, y };
}

