import type { Preprocessing } from '$workers/protocol';
import { LAZY_LIMITS, type CategoricalNbDescription, type GaussianNbDescription, type LazyDescription, type NeighboursDescription } from './kinds-lazy';
import type { TensorReader, TensorWriter } from './share-schema';
import type { Checker } from './validate';

/** JSON shape: sizes and settings only; the numbers are read from the binary section. */
export function lazyHeader(m: LazyDescription): Record<string, unknown> {
	const common = { kind: m.kind, inputSize: m.inputSize, outputSize: m.outputSize };
	if (m.kind === 'knn') return { ...common, task: m.task, k: m.k, weights: m.weights, rows: m.rows };
	if (m.kind === 'gaussian-nb') return common;
	return { ...common, categories: m.edges.map((e) => e.length + 1) };
}

export function writeLazyTensors(m: LazyDescription, w: TensorWriter): void {
	if (m.kind === 'knn') {
		w.float64(m.mean);
		w.float64(m.scale);
		w.float32(m.x);
		if (m.y instanceof Int32Array) w.int32(m.y);
		else w.float32(m.y);
		return;
	}
	w.float64(m.logPrior);
	if (m.kind === 'gaussian-nb') {
		w.float64(m.mean);
		w.float64(m.variance);
		return;
	}
	m.edges.forEach((e) => w.float64(e));
	m.logProb.forEach((p) => w.float64(p));
}

/** A kNN or naive Bayes model from an untrusted link: sizes bounded and tied to the preprocessing, every number finite. */
export function checkLazy(c: Checker, value: unknown, prep: Preprocessing, inputSize: number, r: TensorReader): LazyDescription {
	const kind = c.oneOf((value as { kind?: unknown } | null)?.kind, 'model.kind', ['knn', 'gaussian-nb', 'categorical-nb'] as const);
	const keys = kind === 'knn' ? ['kind', 'inputSize', 'outputSize', 'task', 'k', 'weights', 'rows'] : kind === 'gaussian-nb' ? ['kind', 'inputSize', 'outputSize'] : ['kind', 'inputSize', 'outputSize', 'categories'];
	const o = c.object(value, 'model', keys);
	const d = c.integer(o.inputSize, 'model.inputSize', inputSize, inputSize);
	const classes = prep.target.task === 'classification' ? prep.target.classes.length : 1;
	const outputSize = c.integer(o.outputSize, 'model.outputSize', classes, classes);
	if (kind === 'knn') {
		const task = c.oneOf(o.task, 'model.task', ['classification', 'regression'] as const);
		if (task !== prep.target.task) c.fail('model.task', `must be the target's task (${prep.target.task})`);
		const rows = c.integer(o.rows, 'model.rows', 1, Math.floor(LAZY_LIMITS.decodeNumbers / d));
		const k = c.integer(o.k, 'model.k', 1, Math.min(rows, LAZY_LIMITS.k));
		const weights = c.oneOf(o.weights, 'model.weights', ['distance', 'uniform'] as const);
		const mean = r.float64(d, 'model.mean');
		const scale = r.float64(d, 'model.scale');
		for (let j = 0; j < d; j++) if (!(scale[j] > 0)) c.fail(`model.scale[${j}]`, 'must be above 0');
		const x = r.float32(rows * d, 'model.x');
		const y = task === 'classification' ? r.int32(rows, 'model.y', 0, outputSize - 1) : r.float32(rows, 'model.y');
		r.end();
		return { kind, inputSize: d, outputSize, task, k, weights, rows, mean, scale, x, y } satisfies NeighboursDescription;
	}
	if (prep.target.task !== 'classification') c.fail('model.kind', 'naive Bayes classifies; this link has a regression target');
	const logPrior = r.float64(outputSize, 'model.logPrior');
	if (kind === 'gaussian-nb') {
		const mean = r.float64(outputSize * d, 'model.mean');
		const variance = r.float64(outputSize * d, 'model.variance');
		for (let i = 0; i < variance.length; i++) if (!(variance[i] > 0)) c.fail(`model.variance[${i}]`, 'must be above 0');
		r.end();
		return { kind, inputSize: d, outputSize, logPrior, mean, variance } satisfies GaussianNbDescription;
	}
	const categories = c.array(o.categories, 'model.categories', d, d).map((n, j) => c.integer(n, `model.categories[${j}]`, 1, LAZY_LIMITS.categories));
	const edges = categories.map((n, j) => {
		const e = r.float64(n - 1, `model.edges[${j}]`);
		for (let i = 1; i < e.length; i++) if (!(e[i] > e[i - 1])) c.fail(`model.edges[${j}]`, 'must be strictly ascending');
		return e;
	});
	const logProb = categories.map((n, j) => r.float64(outputSize * n, `model.logProb[${j}]`));
	r.end();
	return { kind, inputSize: d, outputSize, logPrior, edges, logProb } satisfies CategoricalNbDescription;
}
