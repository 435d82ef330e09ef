import type { FeatureTransform, Preprocessing, TargetTransform } from '$workers/protocol';
import type { Checker } from './validate';

/** Bounds on what a shared or imported model may describe; far above anything Kiln trains. */
export const LIMITS = {
	features: 2000,
	categoriesPerFeature: 1024,
	inputs: 65_536,
	classes: 1000,
	nameChars: 256,
	labelChars: 256
} as const;

function feature(c: Checker, value: unknown, path: string): FeatureTransform {
	const kind = c.oneOf(c.object(value, path, ['kind'], ['name', 'mean', 'std', 'categories', 'fill']).kind, `${path}.kind`, ['numeric', 'categorical'] as const);
	if (kind === 'numeric') {
		const o = c.object(value, path, ['name', 'kind', 'mean', 'std']);
		return { name: c.string(o.name, `${path}.name`, LIMITS.nameChars, { min: 1 }), kind, mean: c.number(o.mean, `${path}.mean`), std: c.number(o.std, `${path}.std`, { above: 0 }) };
	}
	const o = c.object(value, path, ['name', 'kind', 'categories', 'fill']);
	const categories = c.array(o.categories, `${path}.categories`, LIMITS.categoriesPerFeature).map((v, i) => c.string(v, `${path}.categories[${i}]`, LIMITS.labelChars));
	c.unique(categories, `${path}.categories`);
	const fill = c.integer(o.fill, `${path}.fill`, -1, categories.length - 1);
	return { name: c.string(o.name, `${path}.name`, LIMITS.nameChars, { min: 1 }), kind, categories, fill };
}

export function checkTarget(c: Checker, value: unknown, path: string): TargetTransform {
	const task = c.oneOf(c.object(value, path, ['task'], ['name', 'classes', 'mean', 'std']).task, `${path}.task`, ['classification', 'regression'] as const);
	if (task === 'classification') {
		const o = c.object(value, path, ['name', 'task', 'classes']);
		const classes = c.array(o.classes, `${path}.classes`, LIMITS.classes, 2).map((v, i) => c.string(v, `${path}.classes[${i}]`, LIMITS.labelChars));
		c.unique(classes, `${path}.classes`);
		return { name: c.string(o.name, `${path}.name`, LIMITS.nameChars, { min: 1 }), task, classes };
	}
	const o = c.object(value, path, ['name', 'task', 'mean', 'std']);
	return { name: c.string(o.name, `${path}.name`, LIMITS.nameChars, { min: 1 }), task, mean: c.number(o.mean, `${path}.mean`), std: c.number(o.std, `${path}.std`, { above: 0 }) };
}

/** A fitted preprocessing from untrusted JSON, with inputSize matching its features. */
export function checkPreprocessing(c: Checker, value: unknown, path = 'preprocessing'): Preprocessing {
	const o = c.object(value, path, ['features', 'target', 'inputSize']);
	const features = c.array(o.features, `${path}.features`, LIMITS.features, 1).map((f, i) => feature(c, f, `${path}.features[${i}]`));
	c.unique(features.map((f) => f.name), `${path}.features`);
	const t = checkTarget(c, o.target, `${path}.target`);
	if (features.some((f) => f.name === t.name)) c.fail(`${path}.target.name`, `"${t.name.slice(0, 40)}" is also a feature`);
	const inputSize = c.integer(o.inputSize, `${path}.inputSize`, 1, LIMITS.inputs);
	const width = features.reduce((n, f) => n + (f.kind === 'numeric' ? 1 : f.categories.length), 0);
	if (width !== inputSize) c.fail(`${path}.inputSize`, `is ${inputSize}, but the features encode to ${width} inputs`);
	return { features, target: t, inputSize };
}
