// One-off: the figures behind the spec bars (poisoning recall, threshold post-processing, adversarial training).
// Run: npx vitest run -c scripts/trust/vitest.config.ts figures
import { it } from 'vitest';
import { loadDataset } from '../../tests/unit-support';
import { encodeFeatures, encodeTarget, fitPreprocessing, labelledRows } from '$workers/lib/preprocess';
import { createRng } from '$workers/lib/random';
import { findSuspectLabels } from '$workers/lib/trust/poisoning';
import { groupThresholds } from '$workers/lib/trust/fairness-mitigation';

it('figures', async () => {
	for (const [file, target, count, seed] of [['breast-cancer.csv', 'diagnosis', 8, 1], ['breast-cancer.csv', 'diagnosis', 8, 2], ['iris.csv', 'species', 5, 1], ['wine.csv', 'cultivar', 8, 1], ['breast-cancer.csv', 'diagnosis', 20, 5]] as const) {
		const table = loadDataset(file);
		const rows = labelledRows(table, target);
		const prep = fitPreprocessing(table, table.columns.map((c) => c.name).filter((n) => n !== target), target, 'classification', rows);
		const x = encodeFeatures(table, prep, rows).x;
		const y = encodeTarget(table, prep, rows) as Int32Array;
		const k = prep.target.task === 'classification' ? prep.target.classes.length : 0;
		const rng = createRng(seed);
		const planted = new Set<number>();
		while (planted.size < count) planted.add(Math.floor(rng() * y.length));
		for (const r of planted) y[r] = (y[r] + 1 + Math.floor(rng() * (k - 1))) % k;
		const report = await findSuspectLabels(x, y, prep.inputSize, k, { seed });
		const inTop = (n: number) => report.suspects.slice(0, n).filter((s) => planted.has(s.row)).length;
		console.log(`${file} ${count} flips (seed ${seed}): flagged ${report.suspects.length}; planted in top ${count}: ${inTop(count)}, top ${2 * count}: ${inTop(2 * count)}, anywhere flagged: ${report.suspects.filter((s) => planted.has(s.row)).length}`);
	}
	for (const seed of [1, 2, 3]) {
		const rng = createRng(seed);
		const gauss = () => Math.sqrt(-2 * Math.log(rng() || 1e-12)) * Math.cos(2 * Math.PI * rng());
		const truth: number[] = [];
		const scores: number[] = [];
		const groups: string[] = [];
		for (let i = 0; i < 3000; i++) {
			const g = rng() < 0.6 ? 'A' : 'B';
			const y = rng() < 0.4 ? 1 : 0;
			truth.push(y), groups.push(g), scores.push(1 / (1 + Math.exp(-(1.5 * (2 * y - 1) + gauss() + (g === 'B' ? 1.2 : 0)))));
		}
		const r = groupThresholds({ truth, scores, groups, maxAccuracyLoss: 0.03 });
		console.log(`synthetic seed ${seed}: EO diff ${r.before.disparity.toFixed(3)} → ${r.after.disparity.toFixed(3)}, accuracy ${r.before.accuracy.toFixed(3)} → ${r.after.accuracy.toFixed(3)}, thresholds ${JSON.stringify(r.thresholds)}, front ${r.curve.length} points`);
	}
});
