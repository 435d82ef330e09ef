import { beforeAll, describe, expect, it } from 'vitest';
import { isKind } from '$shared/errors';
import { loadDataset, useCpu } from '../../../tests/unit-support';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { trainModel } from '$workers/lib/train';
import { encodeFeatures } from '$workers/lib/preprocess';
import { deserializeModel, softmaxRows } from '$workers/lib/model';
import { createRng } from '$workers/lib/random';
import { exportLinearOnnx } from './export-linear';
import { exportTreesOnnx } from './export-trees';
import { evaluateEnsemble } from './trees';
import type { DecisionTree, TreeEnsemble } from './types';
import { float, maxAbsDiff, predictTfjs, runBoth } from './ort.spec-support';

beforeAll(useCpu);

describe('exportLinearOnnx', () => {
	it('matches a linear model Kiln trained on breast-cancer (logits and softmax)', async () => {
		const table = loadDataset('breast-cancer.csv');
		const features = table.columns.map((c) => c.name).filter((n) => n !== 'diagnosis');
		const run = await trainModel(table, { ...DEFAULT_CONFIG, model: 'linear', target: 'diagnosis', task: 'classification', features, epochs: 3 });
		const model = await deserializeModel(run.model);
		const [kernel, bias] = model.getWeights().map((w) => w.dataSync() as Float32Array);
		const rows = Int32Array.from({ length: table.rowCount }, (_, i) => i);
		const { x } = encodeFeatures(table, run.preprocessing, rows);
		const expected = predictTfjs(model, x, [rows.length, features.length]);
		model.dispose();
		const bytes = exportLinearOnnx(kernel, bias, 'classification');
		const { node, web } = await runBoth(bytes, { input: float(x, [rows.length, features.length]) });
		for (const out of [node, web]) {
			expect(maxAbsDiff(out.logits as Float32Array, expected)).toBeLessThan(1e-4);
			expect(maxAbsDiff(out.probabilities as Float32Array, softmaxRows(expected, 2).flat())).toBeLessThan(1e-5);
		}
	});

	it('exports a regression and a single-output logistic model', async () => {
		const coef = Float32Array.from([0.5, -1, 2, 0.25, 0, 1]); // 3 inputs × 2 outputs
		const x = Float32Array.from([1, 2, 3, -1, 0.5, 4]);
		const { node, web } = await runBoth(exportLinearOnnx(coef, [0.1, -0.2], 'regression'), { input: float(x, [2, 3]) });
		// row 0: [0.5+4+0+0.1, −1+0.5+3−0.2]; row 1: [−0.5+1+0+0.1, 1+0.125+4−0.2]
		const expected = [4.6, 2.3, 0.6, 4.925];
		expect(maxAbsDiff(node.y as Float32Array, expected)).toBeLessThan(1e-6);
		expect(maxAbsDiff(web.y as Float32Array, expected)).toBeLessThan(1e-6);
		const binary = await runBoth(exportLinearOnnx(Float32Array.from([1, -1, 0.5]), [0.2], 'classification'), { input: float(x, [2, 3]) });
		const p = (z: number) => 1 / (1 + Math.exp(-z));
		const probs = [1 - p(0.7), p(0.7), 1 - p(0.7), p(0.7)]; // 1−2+1.5+0.2 and −1−0.5+2+0.2
		expect(maxAbsDiff(binary.web.probabilities as Float32Array, probs)).toBeLessThan(1e-6);
		expect(maxAbsDiff(binary.node.probabilities as Float32Array, probs)).toBeLessThan(1e-6);
	});

	it('rejects coefficients that do not fit the intercept', () => {
		expect(() => exportLinearOnnx(new Float32Array(5), [0, 0], 'regression')).toThrow(/5 values.*2 output/);
		expect(() => exportLinearOnnx(Float32Array.from([NaN]), [0], 'regression')).toThrow(/finite/);
	});
});

/** A random full tree of the given depth over `features` inputs. */
function randomTree(rng: () => number, depth: number, features: number, width: number): DecisionTree {
	const nodes: DecisionTree['nodes'] = [];
	const grow = (level: number): number => {
		const index = nodes.length;
		if (level === depth) {
			nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, missingGoesLeft: false, value: Array.from({ length: width }, () => rng() * 2 - 1) });
			return index;
		}
		nodes.push({ feature: Math.floor(rng() * features), threshold: Math.fround(rng() * 2 - 1), left: 0, right: 0, missingGoesLeft: rng() < 0.5 });
		nodes[index].left = grow(level + 1);
		nodes[index].right = grow(level + 1);
		return index;
	};
	grow(0);
	return { nodes };
}

describe('exportTreesOnnx', () => {
	const leaf = (value: number[]) => ({ feature: -1, threshold: 0, left: -1, right: -1, missingGoesLeft: false, value });

	it('runs a hand-made forest with the answers worked out by hand', async () => {
		// tree 0: x0 <= 0.5 ? [1,0] : (x1 <= 2 ? [0,1] : [0.5,0.5]); missing x0 goes right
		// tree 1: x1 <= 1 ? [0,1] : [1,0]; missing x1 goes left
		const forest: TreeEnsemble = {
			task: 'classification',
			featureCount: 2,
			classes: ['no', 'yes'],
			aggregate: 'average',
			postTransform: 'none',
			trees: [
				{ nodes: [{ feature: 0, threshold: 0.5, left: 1, right: 2, missingGoesLeft: false }, leaf([1, 0]), { feature: 1, threshold: 2, left: 3, right: 4, missingGoesLeft: false }, leaf([0, 1]), leaf([0.5, 0.5])] },
				{ nodes: [{ feature: 1, threshold: 1, left: 1, right: 2, missingGoesLeft: true }, leaf([0, 1]), leaf([1, 0])] }
			]
		};
		const x = Float32Array.from([0.5, 0, 1, 1.5, 1, 3, NaN, NaN]);
		const expected = [0.5, 0.5, 0.5, 0.5, 0.75, 0.25, 0.25, 0.75];
		expect(Array.from(evaluateEnsemble(forest, x, 4))).toEqual(expected);
		const { node, web } = await runBoth(exportTreesOnnx(forest), { input: float(x, [4, 2]) });
		for (const out of [node, web]) {
			expect(maxAbsDiff(out.probabilities as Float32Array, expected)).toBeLessThan(1e-6);
			expect(Array.from(out.label as BigInt64Array, Number)[2]).toBe(0);
			expect(Array.from(out.label as BigInt64Array, Number)[3]).toBe(1);
		}
	});

	it.each([
		['boosted softmax classifier', { task: 'classification', aggregate: 'sum', postTransform: 'softmax', classes: ['a', 'b', 'c'], baseValues: [0.1, -0.2, 0.3] }],
		['averaged forest', { task: 'classification', aggregate: 'average', postTransform: 'none', classes: ['a', 'b'] }],
		['boosted binary classifier', { task: 'classification', aggregate: 'sum', postTransform: 'softmax', classes: ['a', 'b'], baseValues: [0, 0.4] }],
		['averaged three-class forest', { task: 'classification', aggregate: 'average', postTransform: 'none', classes: ['a', 'b', 'c'] }],
		['logistic scores', { task: 'classification', aggregate: 'sum', postTransform: 'logistic', classes: ['a', 'b', 'c', 'd'] }],
		['summed regressor', { task: 'regression', aggregate: 'sum', postTransform: 'none', baseValues: [1.5] }],
		['averaged regressor', { task: 'regression', aggregate: 'average', postTransform: 'none' }]
	] as const)('matches the JS evaluation for a random %s', async (_, shape) => {
		const rng = createRng(99);
		const features = 5;
		const width = shape.task === 'classification' ? shape.classes.length : 1;
		const ensemble: TreeEnsemble = { ...shape, classes: 'classes' in shape ? [...shape.classes] : undefined, baseValues: 'baseValues' in shape ? [...shape.baseValues] : undefined, featureCount: features, trees: Array.from({ length: 7 }, () => randomTree(rng, 4, features, width)) };
		const rows = 300;
		const x = Float32Array.from({ length: rows * features }, () => (rng() < 0.05 ? NaN : rng() * 2.4 - 1.2));
		const expected = evaluateEnsemble(ensemble, x, rows);
		const { node, web } = await runBoth(exportTreesOnnx(ensemble), { input: float(x, [rows, features]) });
		for (const out of [node, web]) {
			const scores = (shape.task === 'classification' ? out.probabilities : out.y) as Float32Array;
			expect(maxAbsDiff(scores, expected)).toBeLessThan(1e-4);
			if (shape.task !== 'classification') continue;
			const labels = Array.from(out.label as BigInt64Array, Number);
			const best = Array.from({ length: rows }, (_, r) => {
				const row = Array.from(expected.subarray(r * width, (r + 1) * width));
				return row.indexOf(Math.max(...row));
			});
			expect(labels).toEqual(best);
		}
	});

	it('rejects trees that loop or point outside the node list', () => {
		const ensemble: TreeEnsemble = { task: 'regression', featureCount: 1, aggregate: 'sum', postTransform: 'none', trees: [{ nodes: [{ feature: 0, threshold: 0, left: 1, right: 0, missingGoesLeft: false }, leaf([1])] }] };
		let error: unknown;
		try {
			exportTreesOnnx(ensemble);
		} catch (e) {
			error = e;
		}
		expect(isKind(error, 'ExportError')).toBe(true);
		expect((error as Error).message).toMatch(/Tree 0: node 0 points to child 0/);
		ensemble.trees[0].nodes[0].right = 5;
		expect(() => exportTreesOnnx(ensemble)).toThrow(/child 5, outside 1..1/);
	});
});
