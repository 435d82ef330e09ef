// One-off: cross-validated means (non-holdout rows only, 5 folds × 3 repeats) of a few settings per
// family on the small demo sets, to choose Find's small-data defaults without looking at a holdout.
// Run: node bench/quality/find-explore.mjs (QUALITY_ONLY=iris,wine; FIND_SEEDS=5).
import { classicConfig, crossValidate, defaultParams, DEFAULT_CONFIG, findSets, shipped } from './find-common.mjs';

const SEEDS = Array.from({ length: Number(process.env.FIND_SEEDS ?? 5) }, (_, i) => i + 1);
const ONLY = process.env.QUALITY_ONLY?.split(',');
const SETS = findSets(ONLY).filter((s) => s.id !== 'digits');
const VARIANTS = (task) => [
	['boosting default', 'boosting', {}],
	['boosting leaf 5', 'boosting', { minSamplesLeaf: 5 }],
	['boosting leaf 5 lr .05 300 es', 'boosting', { minSamplesLeaf: 5, learningRate: 0.05, maxIter: 300, earlyStopping: 'on', validationFraction: 0.15 }],
	['knn 5', 'knn', {}],
	['knn 10', 'knn', { k: 10 }],
	['knn 15 uniform', 'knn', { k: 15, weights: 'uniform' }],
	['forest default', 'forest', {}],
	['forest 300', 'forest', { nTrees: 300 }],
	['linear default', 'linear', {}],
	['linear alpha x10', 'linear', { alpha: 'x10' }],
	['linear alpha /10', 'linear', { alpha: '/10' }],
	...(task === 'classification' ? [['gnb', 'gaussian-nb', {}]] : [])
];
for (const set of SETS) {
	const table = shipped(set.file);
	const features = table.columns.map((c) => c.name).filter((n) => n !== set.target);
	const sums = {};
	for (const seed of SEEDS) {
		const base = { ...DEFAULT_CONFIG, target: set.target, task: set.task, features, seed };
		const cvRows = Math.round(table.rowCount * 0.8);
		for (const [name, family, over] of VARIANTS(set.task)) {
			const params = { ...defaultParams(family, set.task), ...over };
			if (over.alpha === 'x10') params.alpha = 10 / (cvRows * 0.8);
			if (over.alpha === '/10') params.alpha = 0.1 / (cvRows * 0.8);
			const r = crossValidate(table, classicConfig(base, { family, params }), 5, { repeats: 3 });
			(sums[name] ??= []).push(r.mean);
		}
	}
	console.log(`${set.id}: ${Object.entries(sums).map(([n, v]) => `${n} ${(v.reduce((a, b) => a + b) / v.length).toFixed(4)}`).join('; ')}`);
}
