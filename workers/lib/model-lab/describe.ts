import type { ClassicFamily, ClassicSpec, Task } from '$workers/protocol';

/** Names and one-line summaries of the classic families, shared by the page, model cards and workers (no model code here). */

export const FAMILY_LABELS: Record<ClassicFamily, string> = {
	linear: 'linear',
	knn: 'k-nearest neighbours',
	'gaussian-nb': 'Gaussian naive Bayes',
	'categorical-nb': 'categorical naive Bayes',
	tree: 'decision tree',
	forest: 'random forest',
	boosting: 'gradient boosting'
};

export function familyLabel(family: ClassicFamily, task: Task): string {
	if (family === 'linear') return task === 'classification' ? 'logistic regression' : 'linear regression';
	return FAMILY_LABELS[family];
}

const depth = (d: number | null) => (d === null ? 'no depth limit' : `depth ≤ ${d}`);

/** The settings a person compares runs of this family by, in one short line. */
export function classicSettings(spec: ClassicSpec): string {
	switch (spec.family) {
		case 'linear': {
			const p = spec.params;
			const strength = p.alpha === 'auto' ? 'α auto (1/rows)' : `α ${p.alpha}`;
			return p.penalty === 'none' ? 'no penalty' : `${p.penalty === 'elasticnet' ? `elastic net (L1 share ${p.l1Ratio})` : p.penalty.toUpperCase()} · ${strength}`;
		}
		case 'knn':
			return `k ${spec.params.k} · ${spec.params.weights} weights`;
		case 'gaussian-nb':
			return `variance smoothing ${spec.params.varSmoothing}`;
		case 'categorical-nb':
			return `α ${spec.params.alpha} · ≤ ${spec.params.maxCategories} categories`;
		case 'tree':
			return `${spec.params.criterion} · ${depth(spec.params.maxDepth)} · ≥ ${spec.params.minSamplesLeaf} rows per leaf`;
		case 'forest':
			return `${spec.params.nTrees} trees · ${spec.params.maxFeatures} features per split · ${depth(spec.params.maxDepth)}`;
		case 'boosting':
			return `≤ ${spec.params.maxIter} rounds · learning rate ${spec.params.learningRate} · ${spec.params.maxLeafNodes ?? 'any'} leaves`;
	}
}

/** A model card's sentence about how the model works. */
export function classicCardText(spec: ClassicSpec, task: Task): string {
	const how: Record<ClassicFamily, string> = {
		linear: 'fitted exactly by a solver (coordinate descent or L-BFGS) on standardised inputs',
		knn: 'predicting from the nearest training rows (standardised distance)',
		'gaussian-nb': 'a normal distribution per class and column',
		'categorical-nb': 'category frequencies per class and column',
		tree: 'one CART tree on binned inputs',
		forest: 'bootstrapped CART trees averaged',
		boosting: 'histogram gradient-boosted trees, in the style of LightGBM / scikit-learn'
	};
	const name = familyLabel(spec.family, task);
	return `${name[0].toUpperCase()}${name.slice(1)} (${classicSettings(spec)}): ${how[spec.family]}`;
}
