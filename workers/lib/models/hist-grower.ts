import type { BinnedData } from './binning';
import { TreeBuffer } from './tree-arrays';
import type { TreeArrays } from './types';

export interface HistGrowerSettings {
	maxLeafNodes: number;
	maxDepth: number;
	minSamplesLeaf: number;
	l2: number;
	learningRate: number;
}

/** A child needs at least this much hessian, as in scikit-learn (min_hessian_to_split). */
const MIN_HESSIAN = 1e-3;

interface Split {
	feature: number;
	bin: number;
	missingLeft: boolean;
	gain: number;
}

interface OpenNode {
	id: number;
	start: number;
	end: number;
	depth: number;
	g: number;
	h: number;
	hist: Float64Array;
	split: Split | null;
}

/**
 * Gradient-boosting tree grower on binned features (LightGBM / HistGradientBoosting style):
 * best-first (leaf-wise) growth, per-node histograms of Σgradient, Σhessian and count, the
 * larger child's histogram by subtraction, and missing values tried on both sides of a split.
 */
export class HistGrower {
	private readonly rows: Int32Array;
	private readonly pool: Float64Array[] = [];
	/** Start of each feature's histogram: its real bins and its missing bin, × (Σg, Σh, count). */
	private readonly offset: Int32Array;
	private readonly histSize: number;
	/** The bins again, row-major: a node's scattered rows then read one cache line each. */
	private readonly rowBins: Uint8Array;
	readonly gain: Float64Array;

	constructor(
		private readonly data: BinnedData,
		private readonly s: HistGrowerSettings
	) {
		this.rows = new Int32Array(data.rows);
		this.gain = new Float64Array(data.features);
		this.offset = new Int32Array(data.features + 1);
		for (let f = 0; f < data.features; f++) this.offset[f + 1] = this.offset[f] + (data.binCounts[f] + 1) * 3;
		this.histSize = this.offset[data.features];
		const { rows: n, features: d, bins } = data;
		this.rowBins = new Uint8Array(n * d);
		for (let f = 0; f < d; f++) for (let i = 0; i < n; i++) this.rowBins[i * d + f] = bins[f * n + i];
	}

	/**
	 * Grows one tree on gradients g and hessians h (one per binned row) and adds each row's leaf
	 * value to raw[row × stride + column].
	 */
	grow(g: Float32Array, h: Float32Array, raw: Float64Array, stride: number, column: number): TreeArrays {
		const n = this.data.rows;
		const rows = this.rows;
		for (let i = 0; i < n; i++) rows[i] = i;
		const buffer = new TreeBuffer(1);
		const rootHist = this.take();
		this.buildHistogram(0, n, g, h, rootHist);
		const [rootG, rootH] = this.sums(rootHist);
		const root = this.openChild(buffer, 0, n, 0, rootG, rootH, rootHist);
		const leaves: OpenNode[] = [];
		const candidates: OpenNode[] = [];
		this.consider(root, candidates, leaves);
		let leafCount = 1;
		while (candidates.length > 0 && leafCount < this.s.maxLeafNodes) {
			let best = 0;
			for (let i = 1; i < candidates.length; i++) if (candidates[i].split!.gain > candidates[best].split!.gain) best = i;
			const node = candidates[best];
			candidates.splice(best, 1);
			const split = node.split!;
			const mid = this.partition(node.start, node.end, split);
			const edges = this.data.thresholds[split.feature];
			buffer.split(node.id, split.feature, split.bin < edges.length ? edges[split.bin] : Infinity, split.missingLeft);
			this.gain[split.feature] += split.gain;
			const leftSmaller = mid - node.start <= node.end - mid;
			const small = leftSmaller ? [node.start, mid] : [mid, node.end];
			const smallHist = this.take();
			this.buildHistogram(small[0], small[1], g, h, smallHist);
			// Parent − smaller child = larger child, in the parent's buffer.
			const parent = node.hist;
			for (let i = 0; i < parent.length; i++) parent[i] -= smallHist[i];
			const [lg, lh] = this.sums(leftSmaller ? smallHist : parent);
			const [rg, rh] = this.sums(leftSmaller ? parent : smallHist);
			const left = this.openChild(buffer, node.start, mid, node.depth + 1, lg, lh, leftSmaller ? smallHist : parent);
			const right = this.openChild(buffer, mid, node.end, node.depth + 1, rg, rh, leftSmaller ? parent : smallHist);
			buffer.setChildren(node.id, left.id, right.id);
			this.consider(left, candidates, leaves);
			this.consider(right, candidates, leaves);
			leafCount++;
		}
		for (const node of candidates) this.close(node, leaves);
		buffer.scale(this.s.learningRate);
		const tree = buffer.finish();
		for (const leaf of leaves) {
			const v = tree.value[leaf.id];
			for (let j = leaf.start; j < leaf.end; j++) raw[rows[j] * stride + column] += v;
		}
		return tree;
	}

	private openChild(buffer: TreeBuffer, start: number, end: number, depth: number, g: number, h: number, hist: Float64Array): OpenNode {
		const id = buffer.addLeaf([-g / (h + this.s.l2 + 1e-12)]);
		return { id, start, end, depth, g, h, hist, split: null };
	}

	private consider(node: OpenNode, candidates: OpenNode[], leaves: OpenNode[]): void {
		const m = node.end - node.start;
		if (node.depth < this.s.maxDepth && m >= 2 * this.s.minSamplesLeaf) node.split = this.bestSplit(node);
		if (node.split) candidates.push(node);
		else this.close(node, leaves);
	}

	private close(node: OpenNode, leaves: OpenNode[]): void {
		this.pool.push(node.hist);
		leaves.push(node);
	}

	private take(): Float64Array {
		const hist = this.pool.pop();
		if (hist) {
			hist.fill(0);
			return hist;
		}
		return new Float64Array(this.histSize);
	}

	private buildHistogram(start: number, end: number, g: Float32Array, h: Float32Array, hist: Float64Array): void {
		const { bins, rows: n, features } = this.data;
		const { rows, rowBins, offset } = this;
		if (end - start === n) {
			// The root: every row, so column by column in order.
			for (let f = 0; f < features; f++) {
				const col = f * n;
				const base = offset[f];
				for (let r = 0; r < n; r++) {
					const o = base + bins[col + r] * 3;
					hist[o] += g[r];
					hist[o + 1] += h[r];
					hist[o + 2]++;
				}
			}
			return;
		}
		// A child: scattered rows, each read once with all its bins from the row-major copy.
		for (let j = start; j < end; j++) {
			const r = rows[j];
			const at = r * features;
			const gj = g[r];
			const hj = h[r];
			for (let f = 0; f < features; f++) {
				const o = offset[f] + rowBins[at + f] * 3;
				hist[o] += gj;
				hist[o + 1] += hj;
				hist[o + 2]++;
			}
		}
	}

	private bestSplit(node: OpenNode): Split | null {
		const { hist, g: G, h: H } = node;
		const m = node.end - node.start;
		const { l2, minSamplesLeaf: minLeaf } = this.s;
		const parentScore = (G * G) / (H + l2);
		let best: Split | null = null;
		for (let f = 0; f < this.data.features; f++) {
			const base = this.offset[f];
			const nb = this.data.binCounts[f];
			const mo = base + nb * 3;
			const mg = hist[mo];
			const mh = hist[mo + 1];
			const mc = hist[mo + 2];
			for (let side = 0; side < (mc > 0 ? 2 : 1); side++) {
				const missingLeft = side === 1;
				let gl = missingLeft ? mg : 0;
				let hl = missingLeft ? mh : 0;
				let cl = missingLeft ? mc : 0;
				// Missing right may also cut "all real bins | missing".
				const last = mc > 0 && !missingLeft ? nb : nb - 1;
				for (let b = 0; b < last; b++) {
					const o = base + b * 3;
					if (hist[o + 2] === 0) continue;
					gl += hist[o];
					hl += hist[o + 1];
					cl += hist[o + 2];
					const cr = m - cl;
					if (cl < minLeaf) continue;
					if (cr < minLeaf) break;
					const hr = H - hl;
					if (hl < MIN_HESSIAN || hr < MIN_HESSIAN) continue;
					const gr = G - gl;
					const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parentScore;
					if (gain > 0 && (best === null || gain > best.gain)) {
						// With no missing values here, unseen ones follow the larger child.
						best = { feature: f, bin: b, missingLeft: mc > 0 ? missingLeft : cl >= cr, gain };
					}
				}
			}
		}
		return best;
	}

	private partition(start: number, end: number, split: Split): number {
		const { bins, rows: n } = this.data;
		const rows = this.rows;
		const col = split.feature * n;
		const missing = this.data.binCounts[split.feature];
		let i = start;
		let j = end - 1;
		while (i <= j) {
			const b = bins[col + rows[i]];
			if (b === missing ? split.missingLeft : b <= split.bin) i++;
			else {
				const t = rows[i];
				rows[i] = rows[j];
				rows[j] = t;
				j--;
			}
		}
		return i;
	}

	/** Σg and Σh of a node from its first feature's histogram (every row lands in one bin per feature). */
	private sums(hist: Float64Array): [number, number] {
		let g = 0;
		let h = 0;
		for (let o = 0; o < this.offset[1]; o += 3) {
			g += hist[o];
			h += hist[o + 1];
		}
		return [g, h];
	}
}
