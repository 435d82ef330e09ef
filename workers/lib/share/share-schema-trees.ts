import type { Preprocessing } from '$workers/protocol';
import type { ShareTree, TreesDescription, TreesOutput } from './kinds';
import type { TensorReader, TensorWriter } from './share-schema';
import type { Checker } from './validate';

/**
 * Bounds for tree ensembles in a link: far above what Kiln grows (forest default 100 trees,
 * boosting 100 rounds × classes), and the 4 MiB decode cap bounds the bytes anyway.
 */
export const TREE_LIMITS = { trees: 5000, nodesPerTree: 262_144, nodes: 2_000_000, depth: 4096 } as const;

/** JSON shape: only counts and settings; the node arrays are read from the binary section. */
export function treesHeader(m: TreesDescription): Record<string, unknown> {
	return { kind: 'trees', inputSize: m.inputSize, outputSize: m.outputSize, combine: m.combine, leafWidth: m.leafWidth, columns: m.columns, output: m.output, nodes: m.trees.map((t) => t.feature.length) };
}

export function writeTreesTensors(m: TreesDescription, w: TensorWriter): void {
	w.float32(m.baseline);
	for (const t of m.trees) {
		w.int32(t.feature);
		w.float32(t.threshold);
		w.uint8(t.missingLeft);
		w.int32(t.left);
		w.int32(t.right);
		w.float32(t.leaves);
	}
}

/**
 * One tree from the bytes, checked to be a real tree: features in range, every child after its
 * parent and with exactly one parent (so no cycle and nothing unreachable), depth bounded.
 */
function readTree(c: Checker, r: TensorReader, nodes: number, inputSize: number, leafWidth: number, path: string): ShareTree {
	const feature = r.int32(nodes, `${path}.feature`, -1, inputSize - 1);
	const threshold = r.float32(nodes, `${path}.threshold`);
	const missingLeft = r.uint8(nodes, `${path}.missingLeft`, 1);
	const left = r.int32(nodes, `${path}.left`, -1, nodes - 1);
	const right = r.int32(nodes, `${path}.right`, -1, nodes - 1);
	const parents = new Uint8Array(nodes);
	const depth = new Int32Array(nodes);
	let leafCount = 0;
	for (let i = 0; i < nodes; i++) {
		if (feature[i] < 0) {
			if (left[i] !== -1 || right[i] !== -1) c.fail(`${path} node ${i}`, 'is a leaf but has children');
			leafCount++;
			continue;
		}
		for (const child of [left[i], right[i]]) {
			if (child <= i) c.fail(`${path} node ${i}`, `points back to node ${child}; children must come after their parent`);
			if (parents[child]++ > 0) c.fail(`${path} node ${child}`, 'has two parents');
			depth[child] = depth[i] + 1;
			if (depth[child] > TREE_LIMITS.depth) c.fail(path, `is deeper than ${TREE_LIMITS.depth} levels`);
		}
	}
	for (let i = 1; i < nodes; i++) if (parents[i] !== 1) c.fail(`${path} node ${i}`, 'is not reachable from the root');
	const leaves = r.float32(leafCount * leafWidth, `${path}.leaves`);
	return { feature, threshold, missingLeft, left, right, leaves };
}

const OUTPUTS: readonly TreesOutput[] = ['probabilities', 'value', 'logistic', 'softmax'];

/** A tree ensemble from its JSON header and bytes, checked against the target it predicts. */
export function checkTrees(c: Checker, value: unknown, prep: Preprocessing, inputSize: number, r: TensorReader, path = 'model'): TreesDescription {
	const o = c.object(value, path, ['kind', 'inputSize', 'outputSize', 'combine', 'leafWidth', 'columns', 'output', 'nodes']);
	c.oneOf(o.kind, `${path}.kind`, ['trees'] as const);
	c.integer(o.inputSize, `${path}.inputSize`, inputSize, inputSize);
	const classes = prep.target.task === 'classification' ? prep.target.classes.length : 0;
	const outputSize = c.integer(o.outputSize, `${path}.outputSize`, Math.max(classes, 1), Math.max(classes, 1));
	const combine = c.oneOf(o.combine, `${path}.combine`, ['average', 'sum'] as const);
	const output = c.oneOf(o.output, `${path}.output`, OUTPUTS);
	const columns = c.integer(o.columns, `${path}.columns`, 1, outputSize);
	const leafWidth = c.integer(o.leafWidth, `${path}.leafWidth`, 1, columns);
	if (leafWidth !== 1 && leafWidth !== columns) c.fail(`${path}.leafWidth`, `must be 1 or the ${columns} columns`);
	const expected: Record<TreesOutput, { task: string; columns: number }> = {
		probabilities: { task: 'classification', columns: classes },
		value: { task: 'regression', columns: 1 },
		logistic: { task: 'classification', columns: 1 },
		softmax: { task: 'classification', columns: classes }
	};
	if (expected[output].task !== prep.target.task) c.fail(`${path}.output`, `"${output}" does not fit a ${prep.target.task} model`);
	if (columns !== expected[output].columns) c.fail(`${path}.columns`, `must be ${expected[output].columns} for "${output}" outputs`);
	if (output === 'logistic' && classes !== 2) c.fail(`${path}.output`, '"logistic" needs exactly two classes');
	if (output === 'probabilities' && (combine !== 'average' || leafWidth !== columns)) c.fail(`${path}.output`, '"probabilities" needs averaged leaves holding every class share');
	const counts = c.array(o.nodes, `${path}.nodes`, TREE_LIMITS.trees, 1).map((n, i) => c.integer(n, `${path}.nodes[${i}]`, 1, TREE_LIMITS.nodesPerTree));
	const total = counts.reduce((a, b) => a + b, 0);
	if (total > TREE_LIMITS.nodes) c.fail(`${path}.nodes`, `add up to ${total} nodes; a link holds at most ${TREE_LIMITS.nodes}`);
	const baseline = r.float32(columns, `${path}.baseline`);
	const trees = counts.map((n, i) => readTree(c, r, n, inputSize, leafWidth, `${path}.trees[${i}]`));
	r.end();
	return { kind: 'trees', inputSize, outputSize, combine, leafWidth, columns, baseline, output, trees };
}
