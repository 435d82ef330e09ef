import type { FrontResult, TextFront, TextRnnFront, WordRules } from './media-types';
import { kilnTextNetRuntime, type KilnTextNetRuntime } from './runtime-text-net';

/**
 * The text front of the share runtime: a typed text → Kiln's normalisation and word tokeniser
 * (workers/lib/text/normalise.ts, word-tokenizer.ts, replayed rule for rule) → TF-IDF weights or
 * the masked mean of embedding rows → the vector the dense head reads. One factory with no
 * outside references, embedded in the standalone page by `kilnTextRuntime.toString()`.
 */
export function kilnTextRuntime(net?: KilnTextNetRuntime) {
	const CJK = String.raw`[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}]`;
	const NUMBERS = String.raw`\p{N}+(?:[.,:/]\p{N}+)+(?![\p{L}\p{M}])`;
	const EMOJI_RUN = String.raw`\p{Extended_Pictographic}(?:[\u{FE0F}\u{1F3FB}-\u{1F3FF}]|\u200D\p{Extended_Pictographic})*`;
	const OTHER = String.raw`[^\s\p{Cc}\p{Cf}]`;
	const TOKEN = new RegExp([NUMBERS, CJK, String.raw`(?:(?!${CJK})[\p{L}\p{M}\p{N}_])+(?:['’](?:(?!${CJK})[\p{L}\p{M}\p{N}])+)*`, EMOJI_RUN, OTHER].join('|'), 'gu');
	const TOKEN_NO_CJK = new RegExp([NUMBERS, String.raw`[\p{L}\p{M}\p{N}_]+(?:['’][\p{L}\p{M}\p{N}]+)*`, EMOJI_RUN, OTHER].join('|'), 'gu');
	const HAS_CJK = new RegExp(CJK, 'u');
	const NUMBER = /^\p{N}+(?:[.,:/]\p{N}+)*$/u;
	const WORDLIKE = /^[\p{L}\p{M}\p{N}_]/u;
	const EMOJI = /^\p{Extended_Pictographic}/u;
	const NUM = '[NUM]';
	const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

	function cut(text: string, n: number): string {
		const code = text.charCodeAt(n - 1);
		return text.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
	}

	/** normaliseText: length cap, bad-decode characters as spaces, Unicode form, lower case. */
	function normalise(raw: string, rules: WordRules): { text: string; truncated: boolean } {
		if (!raw) return { text: '', truncated: false };
		let text = raw;
		let truncated = false;
		if (text.length > rules.maxChars * 2) {
			text = cut(text, rules.maxChars * 2);
			truncated = true;
		}
		if (text.includes('\uFFFD') || /[\uD800-\uDFFF]/.test(text)) text = text.replace(/\uFFFD+/g, ' ').replace(LONE_SURROGATES, ' ');
		text = text.normalize(rules.form);
		if (rules.lowercase) text = text.toLowerCase();
		if (text.length > rules.maxChars) {
			text = cut(text, rules.maxChars);
			truncated = true;
		}
		return { text, truncated };
	}

	function words(text: string, rules: WordRules): string[] {
		const out: string[] = [];
		for (const match of text.matchAll(HAS_CJK.test(text) ? TOKEN : TOKEN_NO_CJK)) {
			let token = match[0];
			const number = token === NUM || NUMBER.test(token);
			const punctuation = !number && !WORDLIKE.test(token) && !EMOJI.test(token);
			if (punctuation && rules.punctuation === 'drop') continue;
			if (number && rules.numbers === 'normalise') token = NUM;
			out.push(token);
		}
		return out;
	}

	function tokensOf(raw: string, rules: WordRules): { tokens: string[]; warnings: string[] } {
		const { text, truncated } = normalise(String(raw ?? ''), rules);
		const warnings: string[] = [];
		if (truncated) warnings.push(`The text is longer than ${rules.maxChars.toLocaleString('en-US')} characters; the model read only the first ${rules.maxChars.toLocaleString('en-US')}.`);
		const tokens = words(text, rules);
		if (tokens.length === 0) warnings.push('The text has no words the model can read, so its prediction is the model’s prior.');
		return { tokens, warnings };
	}

	function unknownWarning(unknown: number, total: number, warnings: string[]): void {
		if (unknown > 0) warnings.push(`${unknown} of ${total} token${total === 1 ? '' : 's'} ${unknown === 1 ? 'was' : 'were'} not in the training vocabulary; the model ${unknown === 1 ? 'ignores it' : 'ignores them'} or reads ${unknown === 1 ? 'it' : 'them'} as unknown.`);
	}

	/**
	 * The text CNN on one text: embeddings of the first maxLength tokens, zeros at the padding up to
	 * maxLength, 'same' 1-D convs (pad ⌊(k−1)/2⌋ before, as TensorFlow), ReLU, max over the real tokens
	 * (0 for an empty text, as Kiln's masked max) — or, for a tagger, each real token's ReLU outputs.
	 */
	function convolve(front: { maxLength: number; dim: number; convs: { k: number; filters: number; bias: Float32Array }[] }, kernels: Float32Array[], read: number[], table: Float32Array, perToken: boolean): Float32Array {
		const T = front.maxLength;
		const d = front.dim;
		const e = new Float32Array(T * d);
		read.forEach((id, t) => e.set(table.subarray(id * d, (id + 1) * d), t * d));
		const width = front.convs.reduce((n, c) => n + c.filters, 0);
		const out = new Float32Array(perToken ? read.length * width : width);
		let at = 0;
		front.convs.forEach((conv, i) => {
			const w = kernels[i];
			const before = Math.floor((conv.k - 1) / 2);
			const acc = new Float64Array(conv.filters);
			for (let t = 0; t < read.length; t++) {
				for (let f = 0; f < conv.filters; f++) acc[f] = conv.bias[f];
				for (let j = 0; j < conv.k; j++) {
					const s = t + j - before;
					if (s < 0 || s >= T) continue;
					for (let c = 0; c < d; c++) {
						const v = e[s * d + c];
						if (v === 0) continue;
						const base = (j * d + c) * conv.filters;
						for (let f = 0; f < conv.filters; f++) acc[f] += v * w[base + f];
					}
				}
				const row = perToken ? t * width + at : at;
				for (let f = 0; f < conv.filters; f++) if (acc[f] > out[row + f]) out[row + f] = acc[f];
			}
			at += conv.filters;
		});
		return out;
	}

	/**
	 * LSTM / GRU over the real tokens' embeddings (Kiln's masked steps keep the state at padding, so
	 * only real tokens move it); the backward direction reads them last to first. Gates as Kiln:
	 * LSTM i, f, c, o; GRU z, r, n with the reset gate applied after the recurrent product. A
	 * tagger gets every step's state (forward, then backward, per token).
	 */
	function recur(front: { dim: number; units: number; cell: 'lstm' | 'gru' }, dirs: { w: Float32Array; u: Float32Array; b: Float32Array; bu?: Float32Array }[], ids: number[], table: Float32Array, perToken: boolean): Float32Array {
		const n = front.units;
		const d = front.dim;
		const lstm = front.cell === 'lstm';
		const g = (lstm ? 4 : 3) * n;
		const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
		const width = n * dirs.length;
		const out = new Float32Array(perToken ? ids.length * width : width);
		dirs.forEach((dir, k) => {
			let h = new Float64Array(n);
			const c = new Float64Array(n);
			for (let s = 0; s < ids.length; s++) {
				const at = k === 0 ? s : ids.length - 1 - s;
				const id = ids[at];
				const xw = Float64Array.from(dir.b);
				for (let i = 0; i < d; i++) {
					const v = table[id * d + i];
					if (v === 0) continue;
					for (let j = 0; j < g; j++) xw[j] += v * dir.w[i * g + j];
				}
				const hu = dir.bu ? Float64Array.from(dir.bu) : new Float64Array(g);
				for (let i = 0; i < n; i++) {
					const v = h[i];
					if (v === 0) continue;
					for (let j = 0; j < g; j++) hu[j] += v * dir.u[i * g + j];
				}
				const next = new Float64Array(n);
				for (let j = 0; j < n; j++) {
					if (lstm) {
						const cell = sigmoid(xw[n + j] + hu[n + j]) * c[j] + sigmoid(xw[j] + hu[j]) * Math.tanh(xw[2 * n + j] + hu[2 * n + j]);
						c[j] = cell;
						next[j] = sigmoid(xw[3 * n + j] + hu[3 * n + j]) * Math.tanh(cell);
					} else {
						const z = sigmoid(xw[j] + hu[j]);
						const r = sigmoid(xw[n + j] + hu[n + j]);
						const cand = Math.tanh(xw[2 * n + j] + r * hu[2 * n + j]);
						next[j] = (1 - z) * cand + z * h[j];
					}
				}
				h = next;
				if (perToken) out.set(h, at * width + k * n);
			}
			if (!perToken) out.set(h, k * n);
		});
		return out;
	}

	function finishWarnings(tokens: string[], unknown: number, warnings: string[], maxLength?: number): string[] {
		if (maxLength !== undefined && tokens.length > maxLength) warnings.push(`The text has ${tokens.length} tokens; the model reads only the first ${maxLength}.`);
		unknownWarning(unknown, tokens.length, warnings);
		return warnings;
	}

	/** A function from a text to the head's input; weights are dequantised once here. */
	function createTextFeatures(front: TextFront): (text: string) => FrontResult {
		if (front.kind === 'tfidf') {
			const column = new Map(front.terms.map((t, i) => [t, i]));
			const spec = front;
			return (raw) => {
				const { tokens, warnings } = tokensOf(raw, spec.rules);
				const counts = new Map<number, number>();
				const add = (gram: string) => {
					const c = column.get(gram);
					if (c !== undefined) counts.set(c, (counts.get(c) ?? 0) + 1);
				};
				tokens.forEach(add);
				for (let n = 2; n <= spec.ngrams; n++) for (let i = 0; i + n <= tokens.length; i++) add(tokens.slice(i, i + n).join(' '));
				let unknown = 0;
				for (const t of tokens) if (!column.has(t)) unknown++;
				let sum = 0;
				for (const [c, count] of counts) {
					const w = (spec.sublinear ? 1 + Math.log(count) : count) * spec.idf[c];
					counts.set(c, w);
					sum += w * w;
				}
				const x = new Float32Array(spec.terms.length);
				const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
				for (const [c, w] of counts) x[c] = w * scale;
				unknownWarning(unknown, tokens.length, warnings);
				return { x, warnings, tokens, unknown };
			};
		}
		const spec = front;
		const perToken = front.task === 'token';
		const deq = (x: TextRnnFront['directions'][number]['w'], columns: number): Float32Array => (x.dtype !== 'int8' ? x.values : Float32Array.from(x.values, (q, i) => q * x.scales[i % columns]));
		const cnn = front.kind === 'cnn' ? front : null;
		const kernels = cnn ? cnn.convs.map((c) => deq(c.kernel, c.filters)) : [];
		const ids = new Map<string, number>();
		spec.vocabulary.forEach((word, i) => {
			if (!ids.has(word)) ids.set(word, i);
		});
		const rnn = front.kind === 'rnn' ? front : null;
		const dirs = rnn ? rnn.directions.map((dir) => {
			const g = (rnn.cell === 'lstm' ? 4 : 3) * rnn.units;
			return { w: deq(dir.w, g), u: deq(dir.u, g), b: dir.b, ...(dir.bu ? { bu: dir.bu } : {}) };
		}) : [];
		const t = spec.embedding;
		const table = t.dtype !== 'int8' ? t.values : Float32Array.from(t.values, (q, i) => q * t.scales[i % spec.dim]);
		const tf = front.kind === 'transformer' ? front : null;
		const dense = (m: { w: TextRnnFront['directions'][number]['w']; b: Float32Array }, columns: number) => ({ w: deq(m.w, columns), b: m.b });
		const encoder = tf && net ? { dim: tf.dim, heads: tf.heads, ffDim: tf.ffDim, embedding: table, position: deq(tf.position, tf.dim), final: tf.final, blocks: tf.blocks.map((b) => ({ ln1: b.ln1, ln2: b.ln2, attention: b.attention.map((m) => dense(m, tf.dim)), ff1: dense(b.ff1, tf.ffDim), ff2: dense(b.ff2, tf.dim) })) } : null;
		const bpe = front.bpe && net ? net.bpeEncoder(spec.vocabulary, front.bpe.merges, front.bpe.fallback) : null;
		if ((tf || front.bpe) && !net) throw new Error('This text model needs the transformer / BPE runtime.');
		return (raw) => {
			let tokens: string[];
			let warnings: string[];
			let all: number[];
			let unknown = 0;
			if (bpe) {
				const { text, truncated } = normalise(String(raw ?? ''), spec.rules);
				warnings = truncated ? [`The text is longer than ${spec.rules.maxChars.toLocaleString('en-US')} characters; the model read only the first ${spec.rules.maxChars.toLocaleString('en-US')}.`] : [];
				const r = bpe(text);
				tokens = r.tokens;
				all = r.ids;
				unknown = r.unknown;
				if (tokens.length === 0) warnings.push('The text has no words the model can read, so its prediction is the model’s prior.');
			} else {
				({ tokens, warnings } = tokensOf(raw, spec.rules));
				// Ids 0 and 1 are [PAD] and [UNK]: a word spelled like them is still unknown.
				all = tokens.map((token) => {
					const found = ids.get(token);
					return found === undefined || found < 2 ? 1 : found;
				});
				for (const id of all) if (id === 1) unknown++;
			}
			const real = all.slice(0, spec.maxLength);
			const d = spec.dim;
			let x: Float32Array;
			if (cnn) x = convolve(cnn, kernels, real, table, perToken);
			else if (rnn) x = recur(rnn, dirs, real, table, perToken);
			else {
				const rows = encoder && net ? net.encode(encoder, real) : Float64Array.from({ length: real.length * d }, (_, i) => table[real[Math.floor(i / d)] * d + (i % d)]);
				if (perToken) x = Float32Array.from(rows);
				else {
					x = new Float32Array(d);
					for (let c = 0; c < d; c++) {
						let sum = 0;
						for (let r = 0; r < real.length; r++) sum += rows[r * d + c];
						x[c] = real.length > 0 ? sum / real.length : 0;
					}
				}
			}
			return { x, warnings: finishWarnings(tokens, unknown, warnings, spec.maxLength), tokens, unknown, ...(perToken ? { rows: real.length } : {}) };
		};
	}

	return { createTextFeatures, tokensOf };
}

export type KilnTextRuntime = ReturnType<typeof kilnTextRuntime>;
export const textRuntime: KilnTextRuntime = kilnTextRuntime(kilnTextNetRuntime());
