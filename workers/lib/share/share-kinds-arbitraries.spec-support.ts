// fast-check generators for format-2 share payloads: tree ensembles and pipelines (Node-only test support).
import fc from 'fast-check';
import type { Preprocessing } from '$workers/protocol';
import type { SharePipeline, ShareTree, TreesDescription, TreesOutput } from './kinds';
import { preprocessing } from './share-arbitraries.spec-support';
import type { SharePayload } from './types';

const f32 = fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }).map((v) => Math.fround(v + 0));

/** A valid tree grown by splitting leaves in turn; new children go at the end, so indices only move forward. */
function tree(inputSize: number, leafWidth: number): fc.Arbitrary<ShareTree> {
	return fc.array(fc.tuple(fc.nat(), fc.nat(inputSize - 1), f32, fc.boolean()), { maxLength: 7 }).chain((splits) => {
		const feature = [-1];
		const threshold = [0];
		const missingLeft = [0];
		const left = [-1];
		const right = [-1];
		for (const [pick, f, t, m] of splits) {
			const leaves = feature.map((v, i) => (v < 0 ? i : -1)).filter((i) => i >= 0);
			const node = leaves[pick % leaves.length];
			feature[node] = f;
			threshold[node] = t;
			missingLeft[node] = m ? 1 : 0;
			left[node] = feature.length;
			right[node] = feature.length + 1;
			feature.push(-1, -1);
			threshold.push(0, 0);
			missingLeft.push(0, 0);
			left.push(-1, -1);
			right.push(-1, -1);
		}
		const leafCount = feature.filter((v) => v < 0).length;
		return fc.array(f32, { minLength: leafCount * leafWidth, maxLength: leafCount * leafWidth }).map((values) => ({
			feature: Int32Array.from(feature),
			threshold: Float32Array.from(threshold),
			missingLeft: Uint8Array.from(missingLeft),
			left: Int32Array.from(left),
			right: Int32Array.from(right),
			leaves: Float32Array.from(values)
		}));
	});
}

export function treesFor(prep: Preprocessing, inputSize = prep.inputSize): fc.Arbitrary<TreesDescription> {
	const classes = prep.target.task === 'classification' ? prep.target.classes.length : 0;
	const outputs: TreesOutput[] = classes === 0 ? ['value'] : classes === 2 ? ['probabilities', 'logistic', 'softmax'] : ['probabilities', 'softmax'];
	return fc.record({ output: fc.constantFrom(...outputs), sum: fc.boolean(), wide: fc.boolean(), count: fc.integer({ min: 1, max: 4 }) }).chain(({ output, sum, wide, count }) => {
		const columns = output === 'value' || output === 'logistic' ? 1 : classes;
		const leafWidth = output === 'probabilities' || wide ? columns : 1;
		const combine = output === 'probabilities' ? 'average' : sum ? 'sum' : 'average';
		return fc.record({ trees: fc.array(tree(inputSize, leafWidth), { minLength: count, maxLength: count }), baseline: fc.array(f32, { minLength: columns, maxLength: columns }) }).map(({ trees, baseline }) => ({
			kind: 'trees' as const,
			inputSize,
			outputSize: Math.max(classes, 1),
			combine,
			leafWidth,
			columns,
			baseline: Float32Array.from(baseline),
			output,
			trees
		}));
	});
}

const demoFor = (prep: Preprocessing) => ({ title: 'trees', description: '', examples: [Object.fromEntries(prep.features.slice(0, 2).map((f) => [f.name, f.kind === 'numeric' ? '1.5' : (f.categories[0] ?? '')]))] });

export const treesPayload: fc.Arbitrary<SharePayload> = preprocessing.chain((prep) => treesFor(prep).map((model) => ({ formatVersion: 2, model, preprocessing: prep, demo: demoFor(prep) })));

/** A pipeline with every step and encoding kind, over fixed raw fields. */
export const PIPELINE: SharePipeline = {
	inputs: [
		{ name: 'a', kind: 'numeric' },
		{ name: 'b', kind: 'numeric' },
		{ name: 'c', kind: 'categorical' },
		{ name: 'd', kind: 'categorical' },
		{ name: 'e', kind: 'numeric' }
	],
	steps: [
		{ kind: 'impute', columns: ['a', 'c'], fills: [1.5, 'x'], indicator: true },
		{ kind: 'clip', columns: ['b'], bounds: [[-1, 3]] },
		{ kind: 'log', columns: ['b'], guard: 'shift', shifts: [1] },
		{ kind: 'bin', column: 'e', edges: [0, 2], labels: ['< 0', '[0, 2)', '≥ 2'], output: 'e_bin' },
		{ kind: 'cast', column: 'e', to: 'categorical' },
		{ kind: 'rename', from: 'd', to: 'dd' },
		{ kind: 'drop', columns: ['e'] }
	],
	features: [
		{ kind: 'scale', column: 'a', center: 1, scale: 2, fill: 1 },
		{ kind: 'scale', column: 'a_missing', center: 0, scale: 1, fill: 0 },
		{ kind: 'scale', column: 'b', center: 0, scale: 1, fill: 0.5 },
		{ kind: 'one-hot', column: 'c', categories: ['x', 'y'], fill: 0, other: true },
		{ kind: 'ordinal', column: 'e_bin', categories: ['< 0', '[0, 2)', '≥ 2'], fill: 1 },
		{ kind: 'hashing', column: 'dd', buckets: 3 }
	],
	inputSize: 10
};

export const PIPELINE_FORM: Preprocessing = {
	features: [
		{ name: 'a', kind: 'numeric', mean: 1, std: 1 },
		{ name: 'b', kind: 'numeric', mean: 0, std: 1 },
		{ name: 'c', kind: 'categorical', categories: ['x', 'y'], fill: -1 },
		{ name: 'd', kind: 'categorical', categories: ['p', 'q'], fill: -1 },
		{ name: 'e', kind: 'numeric', mean: 0, std: 1 }
	],
	target: { name: 'label', task: 'classification', classes: ['no', 'yes'] },
	inputSize: 7
};

export const pipelinePayload: fc.Arbitrary<SharePayload> = treesFor(PIPELINE_FORM, PIPELINE.inputSize).map((model) => ({
	formatVersion: 2,
	model,
	preprocessing: PIPELINE_FORM,
	demo: { title: 'pipeline', description: '', examples: [{ a: '2', c: 'y', d: 'p' }] },
	pipeline: PIPELINE
}));
