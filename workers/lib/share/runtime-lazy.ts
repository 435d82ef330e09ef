import type { CategoricalNbDescription, GaussianNbDescription, LazyDescription, NeighboursDescription, PortableLazy } from './kinds-lazy';

/**
 * kNN and naive Bayes scoring exactly as workers/lib/models does it (same order of additions, same
 * tie rule: an equal distance keeps the earlier training row; exact matches share all the weight
 * under distance weighting). Self-contained (no outside references) because the standalone page
 * embeds `kilnLazyRuntime.toString()`.
 */
export function kilnLazyRuntime() {
	function knnScorer(m: NeighboursDescription) {
		const d = m.inputSize;
		const k = Math.min(m.k, m.rows);
		const q = new Float32Array(d);
		const index = new Int32Array(k);
		const dist = new Float64Array(k);
		return (x: ArrayLike<number>): number[] => {
			for (let j = 0; j < d; j++) {
				const v = x[j];
				q[j] = v === v ? (v - m.mean[j]) / m.scale[j] : 0;
			}
			index.fill(-1);
			dist.fill(Infinity);
			for (let r = 0; r < m.rows; r++) {
				let s = 0;
				const o = r * d;
				for (let j = 0; j < d; j++) {
					const t = m.x[o + j] - q[j];
					s += t * t;
				}
				if (s >= dist[k - 1]) continue;
				let p = k - 1;
				while (p > 0 && dist[p - 1] > s) {
					dist[p] = dist[p - 1];
					index[p] = index[p - 1];
					p--;
				}
				dist[p] = s;
				index[p] = r;
			}
			let exact = false;
			for (let i = 0; i < k; i++) if (dist[i] === 0) exact = true;
			const weight = Array.from(dist, (v) => (m.weights === 'uniform' ? 1 : exact ? (v === 0 ? 1 : 0) : 1 / Math.sqrt(v)));
			let total = 0;
			for (let i = 0; i < k; i++) total += weight[i];
			const out = new Float32Array(m.task === 'classification' ? m.outputSize : 1);
			if (m.task === 'classification') for (let i = 0; i < k; i++) out[m.y[index[i]]] += weight[i] / total;
			else {
				let s = 0;
				for (let i = 0; i < k; i++) s += weight[i] * m.y[index[i]];
				out[0] = s / total;
			}
			return Array.from(out);
		};
	}

	function normalise(joint: Float64Array): number[] {
		let max = -Infinity;
		for (let c = 0; c < joint.length; c++) max = Math.max(max, joint[c]);
		let total = 0;
		for (let c = 0; c < joint.length; c++) total += Math.exp(joint[c] - max);
		return Array.from(Float32Array.from(joint, (v) => Math.exp(v - max) / total));
	}

	function gaussianScorer(m: GaussianNbDescription) {
		const d = m.inputSize;
		const logNorm = m.variance.map((v) => -0.5 * Math.log(2 * Math.PI * v));
		const joint = new Float64Array(m.outputSize);
		return (x: ArrayLike<number>): number[] => {
			for (let c = 0; c < m.outputSize; c++) {
				let s = m.logPrior[c];
				for (let j = 0; j < d; j++) {
					const v = x[j];
					if (v !== v) continue;
					const t = c * d + j;
					s += logNorm[t] - (0.5 * (v - m.mean[t]) ** 2) / m.variance[t];
				}
				joint[c] = s;
			}
			return normalise(joint);
		};
	}

	function categoricalScorer(m: CategoricalNbDescription) {
		const joint = new Float64Array(m.outputSize);
		return (x: ArrayLike<number>): number[] => {
			joint.set(m.logPrior);
			for (let j = 0; j < m.inputSize; j++) {
				const v = x[j];
				if (v !== v) continue;
				const edges = m.edges[j];
				let lo = 0;
				let hi = edges.length;
				while (lo < hi) {
					const mid = (lo + hi) >> 1;
					if (edges[mid] < v) lo = mid + 1;
					else hi = mid;
				}
				const categories = edges.length + 1;
				for (let c = 0; c < m.outputSize; c++) joint[c] += m.logProb[j][c * categories + lo];
			}
			return normalise(joint);
		};
	}

	/** Class probabilities, or [standardised value] for kNN regression. */
	function createLazyScorer(m: LazyDescription): (x: ArrayLike<number>) => number[] {
		if (m.kind === 'knn') return knnScorer(m);
		return m.kind === 'gaussian-nb' ? gaussianScorer(m) : categoricalScorer(m);
	}

	function lazyFromPortable(p: PortableLazy, decodeBase64: (text: string) => Uint8Array): LazyDescription {
		const bytes = (v: unknown) => {
			const b = decodeBase64(String(v));
			return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
		};
		const f64 = (v: unknown) => new Float64Array(bytes(v));
		if (p.kind === 'knn') {
			const task = p.task === 'regression' ? 'regression' : 'classification';
			return { ...(p as unknown as NeighboursDescription), task, mean: f64(p.mean), scale: f64(p.scale), x: new Float32Array(bytes(p.x)), y: task === 'classification' ? new Int32Array(bytes(p.y)) : new Float32Array(bytes(p.y)) };
		}
		if (p.kind === 'gaussian-nb') return { ...(p as unknown as GaussianNbDescription), logPrior: f64(p.logPrior), mean: f64(p.mean), variance: f64(p.variance) };
		return { ...(p as unknown as CategoricalNbDescription), logPrior: f64(p.logPrior), edges: (p.edges as unknown[]).map(f64), logProb: (p.logProb as unknown[]).map(f64) };
	}

	return { createLazyScorer, lazyFromPortable };
}

export type KilnLazyRuntime = ReturnType<typeof kilnLazyRuntime>;
