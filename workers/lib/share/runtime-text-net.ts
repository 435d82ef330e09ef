/**
 * The parts of the text link runtime that the word-level fronts do not need: Kiln's BPE replay
 * (workers/lib/text/bpe.ts + tokenizer.ts, rule for rule) and the transformer encoder's forward
 * pass (workers/lib/text/nn/text-model.ts) in plain typed-array math — no tfjs. One factory with
 * no outside references: the standalone page embeds `kilnTextNetRuntime.toString()` and hands it
 * to `kilnTextRuntime`.
 */
export function kilnTextNetRuntime() {
	const SPACE = '\u2581';
	const MAX_PIECE = 64;
	const PIECE = / ?[\p{L}\p{M}]+| ?\p{N}+| ?[^\s\p{L}\p{M}\p{N}]+/gu;
	const byteToken = (b: number) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;

	/**
	 * A BPE encoder over a normalised text → token ids (2+ known, 1 [UNK]), their strings, and how
	 * many symbols were not in the vocabulary (spelled as bytes, or read as [UNK]).
	 */
	function bpeEncoder(vocabulary: readonly string[], merges: Int32Array, fallback: 'bytes' | 'unk') {
		const ids = new Map<string, number>();
		vocabulary.forEach((word, i) => {
			if (!ids.has(word)) ids.set(word, i);
		});
		const ranks = new Map<string, Map<string, number>>();
		for (let r = 0; 2 * r + 1 < merges.length; r++) {
			const left = vocabulary[merges[2 * r]];
			const right = vocabulary[merges[2 * r + 1]];
			let inner = ranks.get(left);
			if (!inner) ranks.set(left, (inner = new Map()));
			if (!inner.has(right)) inner.set(right, r);
		}
		const cache = new Map<string, string[]>();
		function symbols(piece: string): string[] {
			const cached = cache.get(piece);
			if (cached) return cached;
			let parts = Array.from(piece);
			for (;;) {
				let best = Infinity;
				let at = -1;
				for (let i = 0; i + 1 < parts.length; i++) {
					const rank = ranks.get(parts[i])?.get(parts[i + 1]);
					if (rank !== undefined && rank < best) {
						best = rank;
						at = i;
					}
				}
				if (at < 0) break;
				const left = parts[at];
				const right = parts[at + 1];
				const next: string[] = [];
				for (let i = 0; i < parts.length; i++) {
					if (i + 1 < parts.length && parts[i] === left && parts[i + 1] === right) {
						next.push(left + right);
						i++;
					} else next.push(parts[i]);
				}
				parts = next;
			}
			if (cache.size > 50_000) cache.clear();
			cache.set(piece, parts);
			return parts;
		}
		// UTF-8 by hand: the page's script must not depend on globals (normalisation left no lone surrogates).
		const utf8 = (text: string): number[] => {
			const out: number[] = [];
			for (const ch of text) {
				const c = ch.codePointAt(0)!;
				if (c < 0x80) out.push(c);
				else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
				else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
				else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
			}
			return out;
		};
		return (text: string): { ids: number[]; tokens: string[]; unknown: number } => {
			const collapsed = text.replace(/\u2581/g, ' ').replace(/\s+/gu, ' ').trim();
			const out: number[] = [];
			const tokens: string[] = [];
			let unknown = 0;
			if (collapsed === '') return { ids: out, tokens, unknown };
			for (const match of ` ${collapsed}`.matchAll(PIECE)) {
				const chars = Array.from(match[0].replace(' ', SPACE));
				for (let p = 0; p < chars.length; p += MAX_PIECE) {
					for (const symbol of symbols(chars.slice(p, p + MAX_PIECE).join(''))) {
						const id = ids.get(symbol);
						if (id !== undefined && id >= 2) {
							out.push(id);
							tokens.push(symbol);
							continue;
						}
						unknown++;
						if (fallback === 'bytes') {
							for (const b of utf8(symbol.replace(SPACE, ' '))) {
								out.push(ids.get(byteToken(b)) ?? 1);
								tokens.push(byteToken(b));
							}
						} else {
							out.push(1);
							tokens.push(symbol);
						}
					}
				}
			}
			return { ids: out, tokens, unknown };
		};
	}

	/** x [n × a] · w [a × b] + bias, in float64. */
	function affine(x: Float64Array, n: number, a: number, w: Float32Array, bias: Float32Array, b: number): Float64Array {
		const y = new Float64Array(n * b);
		for (let t = 0; t < n; t++) {
			y.set(bias, t * b);
			for (let i = 0; i < a; i++) {
				const v = x[t * a + i];
				if (v === 0) continue;
				const row = i * b;
				for (let j = 0; j < b; j++) y[t * b + j] += v * w[row + j];
			}
		}
		return y;
	}

	/** Layer norm over each token's d values (population variance, ε 1e-5, as tf.moments). */
	function layerNorm(x: Float64Array, n: number, d: number, gamma: Float32Array, beta: Float32Array): Float64Array {
		const y = new Float64Array(n * d);
		for (let t = 0; t < n; t++) {
			let mean = 0;
			for (let c = 0; c < d; c++) mean += x[t * d + c];
			mean /= d;
			let variance = 0;
			for (let c = 0; c < d; c++) variance += (x[t * d + c] - mean) ** 2;
			const scale = 1 / Math.sqrt(variance / d + 1e-5);
			for (let c = 0; c < d; c++) y[t * d + c] = (x[t * d + c] - mean) * scale * gamma[c] + beta[c];
		}
		return y;
	}

	interface Dense {
		w: Float32Array;
		b: Float32Array;
	}
	interface Block {
		ln1: { gamma: Float32Array; beta: Float32Array };
		attention: Dense[];
		ln2: { gamma: Float32Array; beta: Float32Array };
		ff1: Dense;
		ff2: Dense;
	}

	/**
	 * The encoder on the real tokens only: Kiln adds −1e9 to padded keys, so their softmax weight
	 * is exactly 0 and real tokens never see padding; what padded positions compute is never read
	 * (masked mean, or no tag). Returns each real token's vector after the final layer norm.
	 */
	function encode(net: { dim: number; heads: number; ffDim: number; embedding: Float32Array; position: Float32Array; blocks: Block[]; final: { gamma: Float32Array; beta: Float32Array } }, ids: number[]): Float64Array {
		const n = ids.length;
		const d = net.dim;
		const dh = d / net.heads;
		let x: Float64Array = new Float64Array(n * d);
		ids.forEach((id, t) => {
			for (let c = 0; c < d; c++) x[t * d + c] = net.embedding[id * d + c] + net.position[t * d + c];
		});
		for (const block of net.blocks) {
			const h = layerNorm(x, n, d, block.ln1.gamma, block.ln1.beta);
			const [q, k, v] = block.attention.slice(0, 3).map((m) => affine(h, n, d, m.w, m.b, d));
			const mixed = new Float64Array(n * d);
			const scores = new Float64Array(n);
			for (let head = 0; head < net.heads; head++) {
				const o = head * dh;
				for (let i = 0; i < n; i++) {
					let max = -Infinity;
					for (let j = 0; j < n; j++) {
						let s = 0;
						for (let c = 0; c < dh; c++) s += q[i * d + o + c] * k[j * d + o + c];
						scores[j] = s / Math.sqrt(dh);
						if (scores[j] > max) max = scores[j];
					}
					let sum = 0;
					for (let j = 0; j < n; j++) sum += scores[j] = Math.exp(scores[j] - max);
					for (let j = 0; j < n; j++) {
						const wgt = scores[j] / sum;
						for (let c = 0; c < dh; c++) mixed[i * d + o + c] += wgt * v[j * d + o + c];
					}
				}
			}
			const attended = affine(mixed, n, d, block.attention[3].w, block.attention[3].b, d);
			for (let i = 0; i < x.length; i++) x[i] += attended[i];
			const inner = affine(layerNorm(x, n, d, block.ln2.gamma, block.ln2.beta), n, d, block.ff1.w, block.ff1.b, net.ffDim);
			for (let i = 0; i < inner.length; i++) if (inner[i] < 0) inner[i] = 0;
			const ff = affine(inner, n, net.ffDim, block.ff2.w, block.ff2.b, d);
			for (let i = 0; i < x.length; i++) x[i] += ff[i];
		}
		x = layerNorm(x, n, d, net.final.gamma, net.final.beta);
		return x;
	}

	return { bpeEncoder, encode, byteToken };
}

export type KilnTextNetRuntime = ReturnType<typeof kilnTextNetRuntime>;
