import { it } from 'vitest';
import { loadDataset } from '../../tests/unit-support';
import { encodeFeatures, encodeTarget, fitPreprocessing, labelledRows } from '$workers/lib/preprocess';
import { findSuspectLabels } from '$workers/lib/trust/poisoning';

it('poison explore', async () => {
	for (const [file, target] of [['breast-cancer.csv', 'diagnosis'], ['iris.csv', 'species'], ['wine.csv', 'cultivar']]) {
		const table = loadDataset(file);
		const rows = labelledRows(table, target);
		const prep = fitPreprocessing(table, table.columns.map((c) => c.name).filter((n) => n !== target), target, 'classification', rows);
		const x = encodeFeatures(table, prep, rows).x;
		const y = encodeTarget(table, prep, rows) as Int32Array;
		const k = prep.target.task === 'classification' ? prep.target.classes.length : 0;
		const r = await findSuspectLabels(x, y, prep.inputSize, k);
		const losses = Array.from({ length: y.length }, (_, i) => -Math.log(Math.max(r.outOfFold[i * k + y[i]], 1e-12))).sort((a, b) => a - b);
		const q = (p: number) => losses[Math.floor(p * (losses.length - 1))].toExponential(2);
		console.log(file, 'disagree', r.suspects.filter((s) => s.predicted !== s.label).length, 'flagged', r.suspects.length, 'loss quantiles 10/50/90/99/max', q(0.1), q(0.5), q(0.9), q(0.99), q(1));
	}
});
