import { KilnError } from '$shared/errors';
import type { FittedPipeline } from '../pipeline/types';
import { classCounts, resolveTargets, type ClassCounts, type TargetCounts } from './balance';
import { rngFor } from './shared';

/** A run of matrix columns filled by one encoding. */
export interface Block {
	start: number;
	width: number;
	kind: 'continuous' | 'categorical';
}

export interface SmoteOptions {
	seed: number;
	/** Neighbours to pick from (fewer when a class is smaller). Default 5, as imbalanced-learn. */
	k?: number;
	target?: TargetCounts;
	/** Layout of the matrix; default: every column continuous. Use `matrixBlocks(fitted)` for a pipeline's matrix. */
	blocks?: Block[];
}

export interface SmoteResult {
	/** Synthetic rows only, row-major [count × width]; append them to the training matrix. */
	x: Float32Array;
	y: Int32Array;
	width: number;
	counts: ClassCounts;
	/** For each synthetic row: the training sample it grew from, the neighbour it moved towards, and how far (0–1). */
	base: Int32Array;
	neighbour: Int32Array;
	gap: Float32Array;
	notes: string[];
}

/** The blocks of a fitted pipeline's model matrix: scaled numbers are continuous, one-hot/ordinal/hashing categorical. */
export function matrixBlocks(fitted: FittedPipeline): Block[] {
	let start = 0;
	return fitted.features.map((f) => {
		const block = { start, width: f.names.length, kind: f.block };
		start += f.names.length;
		return block;
	});
}

function squaredDistance(x: Float32Array, width: number, a: number, b: number): number {
	let d = 0;
	for (let j = 0; j < width; j++) {
		const t = x[a * width + j] - x[b * width + j];
		d += t * t;
	}
	return d;
}

/** The k nearest members of `members` to member `self` (itself excluded), nearest first; ties by position. */
function nearest(x: Float32Array, width: number, members: number[], self: number, k: number): number[] {
	const scored = members.filter((m) => m !== self).map((m) => ({ m, d: squaredDistance(x, width, self, m) }));
	scored.sort((a, b) => a.d - b.d || a.m - b.m);
	return scored.slice(0, k).map((s) => s.m);
}

/** The block's values most common among the neighbours (ties: the nearer neighbour's). */
function majorityBlock(x: Float32Array, width: number, block: Block, neighbours: number[]): number {
	const votes = new Map<string, { count: number; first: number }>();
	neighbours.forEach((m, rank) => {
		const key = Array.from(x.subarray(m * width + block.start, m * width + block.start + block.width)).join(',');
		const vote = votes.get(key);
		if (vote) vote.count++;
		else votes.set(key, { count: 1, first: rank });
	});
	let best = { count: 0, first: Infinity };
	for (const v of votes.values()) if (v.count > best.count || (v.count === best.count && v.first < best.first)) best = v;
	return neighbours[best.first];
}

/**
 * SMOTE (Chawla et al. 2002) on an encoded training matrix. For each synthetic row: pick a
 * sample of the class at random, one of its k nearest same-class neighbours (Euclidean distance
 * in the encoded space) at random, and a gap in [0, 1): continuous columns are
 * base + gap · (neighbour − base), a point on the segment between them. Categorical blocks
 * (one-hot, ordinal, hashed) cannot be interpolated; as in SMOTE-NC they take the value most
 * common among the base's k neighbours, so a synthetic row never holds half a category.
 * A class with a single row cannot be interpolated and is left as it is (noted).
 */
export function smote(x: Float32Array, width: number, labels: ArrayLike<number>, classes: number, options: SmoteOptions): SmoteResult {
	const n = labels.length;
	if (x.length !== n * width) throw new KilnError('ValidationError', `The matrix holds ${x.length} values, not ${n} rows × ${width}.`);
	const k = options.k ?? 5;
	if (!Number.isInteger(k) || k < 1) throw new KilnError('ValidationError', `SMOTE needs at least one neighbour (k = ${k}).`);
	const blocks = options.blocks ?? [{ start: 0, width, kind: 'continuous' as const }];
	const continuous = new Uint8Array(width);
	for (const b of blocks) if (b.kind === 'continuous') continuous.fill(1, b.start, b.start + b.width);
	const categorical = blocks.filter((b) => b.kind === 'categorical');

	const before = classCounts(labels, classes);
	const goal = resolveTargets(before, options.target ?? 'majority');
	const members = Array.from({ length: classes }, () => [] as number[]);
	for (let i = 0; i < n; i++) members[labels[i]].push(i);
	const rng = rngFor(options.seed, 0x5307e);
	const notes: string[] = [];
	const plan: number[] = [];
	goal.forEach((g, c) => {
		const missing = g - before[c];
		if (missing <= 0) return;
		if (before[c] < 2) {
			notes.push(`Class ${c} has ${before[c]} training row${before[c] === 1 ? '' : 's'}; SMOTE needs two to interpolate between, so it was left as it is.`);
			return;
		}
		for (let i = 0; i < missing; i++) plan.push(c);
	});

	const out = new Float32Array(plan.length * width);
	const base = new Int32Array(plan.length);
	const neighbour = new Int32Array(plan.length);
	const gap = new Float32Array(plan.length);
	const cache = new Map<number, number[]>();
	plan.forEach((c, s) => {
		const group = members[c];
		const b = group[Math.floor(rng() * group.length)];
		let near = cache.get(b);
		if (!near) cache.set(b, (near = nearest(x, width, group, b, Math.min(k, group.length - 1))));
		const m = near[Math.floor(rng() * near.length)];
		const g = Math.fround(rng());
		for (let j = 0; j < width; j++) {
			const from = x[b * width + j];
			out[s * width + j] = continuous[j] ? from + g * (x[m * width + j] - from) : from;
		}
		for (const block of categorical) {
			const donor = majorityBlock(x, width, block, near);
			out.set(x.subarray(donor * width + block.start, donor * width + block.start + block.width), s * width + block.start);
		}
		base[s] = b;
		neighbour[s] = m;
		gap[s] = g;
	});
	const y = Int32Array.from(plan);
	const after = before.map((count, c) => count + plan.filter((p) => p === c).length);
	return { x: out, y, width, counts: { before, after }, base, neighbour, gap, notes };
}
