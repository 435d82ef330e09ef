import type { SharePipeline } from './kinds';
import type { KilnPipelineMore, PipelineCell } from './runtime-pipeline-more';

/**
 * The Prepare-pipeline part of the share runtime: a raw row (column → cell text) → the model's
 * encoded inputs, replaying the fitted steps as workers/lib/data/pipeline does in prediction mode
 * (same number syntax and missing words as the importer, same arithmetic in float64, the matrix in
 * float32). One factory with no outside references: the standalone page embeds its source.
 */
export function kilnPipelineRuntime(more?: KilnPipelineMore) {
	// The importer's missing-value tokens (DEFAULT_MISSING), matched exactly after trimming.
	const MISSING = ['', 'NA', 'N/A', 'null', 'NULL', 'NaN', 'nan', '?', '-'];
	const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

	type Cell = PipelineCell;
	// Date parts, derive, anonymise, mask-PII and TF-IDF (runtime-pipeline-more.ts), passed in so each factory stays self-contained.
	const extra: KilnPipelineMore = more ?? {
		parseIsoDate: () => NaN,
		step: (s) => fail('ValidationError', `This page cannot replay "${s.kind}" steps.`),
		tfidf: () => fail('ValidationError', 'This page cannot replay TF-IDF encodings.')
	};

	function fail(kind: string, message: string): never {
		const error = new Error(message);
		error.name = kind;
		throw error;
	}

	function parseNumber(text: string): number {
		const t = text.trim();
		return NUMBER.test(t) ? Number(t) : NaN;
	}

	/** scikit-learn's murmurhash3_32 of the UTF-8 bytes, seed 0 (FeatureHasher buckets). */
	function murmur3(text: string): number {
		const bytes: number[] = [];
		// UTF-8 by hand: the page's sandbox need not offer TextEncoder.
		for (const ch of text) {
			const c = ch.codePointAt(0)!;
			if (c < 0x80) bytes.push(c);
			else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
			else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
			else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
		}
		const c1 = 0xcc9e2d51;
		const c2 = 0x1b873593;
		let h = 0;
		const blocks = bytes.length >> 2;
		for (let i = 0; i < blocks; i++) {
			const j = i << 2;
			let k = bytes[j] | (bytes[j + 1] << 8) | (bytes[j + 2] << 16) | (bytes[j + 3] << 24);
			k = Math.imul(k, c1);
			k = (k << 15) | (k >>> 17);
			k = Math.imul(k, c2);
			h ^= k;
			h = (h << 13) | (h >>> 19);
			h = (Math.imul(h, 5) + 0xe6546b64) | 0;
		}
		const tail = blocks << 2;
		let k = 0;
		const rest = bytes.length & 3;
		if (rest === 3) k ^= bytes[tail + 2] << 16;
		if (rest >= 2) k ^= bytes[tail + 1] << 8;
		if (rest >= 1) {
			k ^= bytes[tail];
			k = Math.imul(k, c1);
			k = (k << 15) | (k >>> 17);
			k = Math.imul(k, c2);
			h ^= k;
		}
		h ^= bytes.length;
		h ^= h >>> 16;
		h = Math.imul(h, 0x85ebca6b);
		h ^= h >>> 13;
		h = Math.imul(h, 0xc2b2ae35);
		h ^= h >>> 16;
		return h | 0;
	}

	function binOf(edges: number[], v: number): number {
		let lo = 0;
		let hi = edges.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (edges[mid] <= v) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}

	function createPipelineEncoder(p: SharePipeline) {
		return (row: Record<string, string>): { x: Float32Array; warnings: string[] } => {
			const warnings: string[] = [];
			const cells = new Map<string, Cell>();
			for (const input of p.inputs) {
				const raw = Object.prototype.hasOwnProperty.call(row, input.name) ? row[input.name] : '';
				const text = String(raw ?? '').trim();
				const missing = MISSING.indexOf(text) >= 0;
				if (input.kind === 'numeric') {
					const v = missing ? NaN : input.date && !NUMBER.test(text) ? extra.parseIsoDate(text) : parseNumber(text);
					if (input.date && !missing && !isFinite(v)) fail('ValidationError', `"${input.name}" must be a date such as 2024-03-05 (or 2024-03-05T14:30, read as UTC), but it is "${text.slice(0, 40)}".`);
					if (!missing && !isFinite(v)) fail('ValidationError', `"${input.name}" must be a finite number, but it is "${text.slice(0, 40)}". Leave it empty if the value is unknown.`);
					cells.set(input.name, { n: true, v });
				} else cells.set(input.name, { n: false, v: missing ? null : text });
			}
			const get = (name: string): Cell => cells.get(name) ?? fail('ValidationError', `The pipeline needs a column "${name}" that this row does not have.`);
			const num = (name: string): number => {
				const c = get(name);
				return c.n ? c.v : fail('ValidationError', `The pipeline expected numbers in "${name}", but it holds text here.`);
			};
			for (const s of p.steps) {
				if (s.kind === 'drop') s.columns.forEach((c) => cells.delete(c));
				else if (s.kind === 'rename') {
					const c = get(s.from);
					cells.delete(s.from);
					cells.set(s.to, c);
				} else if (s.kind === 'cast') {
					const c = get(s.column);
					if (c.n && s.to === 'categorical') cells.set(s.column, { n: false, v: c.v !== c.v ? null : String(c.v) });
					else if (!c.n && s.to === 'numeric') cells.set(s.column, { n: true, v: c.v === null ? NaN : parseNumber(c.v) });
				} else if (s.kind === 'impute') {
					s.columns.forEach((name, i) => {
						const c = get(name);
						const missing = c.n ? c.v !== c.v : c.v === null;
						if (missing) warnings.push(`"${name}" is empty, so the pipeline filled in ${JSON.stringify(s.fills[i])}.`);
						if (s.indicator) cells.set(`${name}_missing`, { n: true, v: missing ? 1 : 0 });
						if (missing) cells.set(name, c.n ? { n: true, v: s.fills[i] as number } : { n: false, v: s.fills[i] as string });
					});
				} else if (s.kind === 'clip') {
					s.columns.forEach((name, i) => {
						const v = num(name);
						const lo = s.bounds[i][0] ?? -Infinity;
						const hi = s.bounds[i][1] ?? Infinity;
						cells.set(name, { n: true, v: v < lo ? lo : v > hi ? hi : v });
					});
				} else if (s.kind === 'log') {
					s.columns.forEach((name, i) => {
						const v = num(name);
						let out = v;
						if (v === v) {
							if (s.guard === 'signed') out = Math.sign(v) * Math.log1p(Math.abs(v));
							else if (s.guard === 'missing') out = v <= -1 ? NaN : Math.log1p(v);
							else out = v + s.shifts[i] < 0 ? 0 : Math.log1p(v + s.shifts[i]);
						}
						cells.set(name, { n: true, v: out });
					});
				} else if (s.kind === 'bin') {
					const v = num(s.column);
					cells.set(s.output ?? s.column, { n: false, v: v !== v ? null : s.labels[binOf(s.edges, v)] });
				} else extra.step(s, cells, get, warnings);
			}
			const x = new Float32Array(p.inputSize);
			let offset = 0;
			for (const f of p.features) {
				const c = get(f.column);
				if (f.kind === 'scale') {
					if (!c.n) fail('ValidationError', `The model expected numbers in "${f.column}", but it holds text here.`);
					x[offset] = c.v !== c.v ? (f.fill - f.center) / f.scale : (c.v - f.center) / f.scale;
					offset += 1;
					continue;
				}
				if (c.n) fail('ValidationError', `The model expected text in "${f.column}", but it holds numbers here.`);
				if (f.kind === 'tfidf') {
					extra.tfidf(f, c.v, x, offset, warnings);
					offset += f.terms.length;
					continue;
				}
				const text = c.v;
				if (f.kind === 'hashing') {
					if (text !== null) x[offset + (Math.abs(murmur3(text)) % f.buckets)] = 1;
					offset += f.buckets;
					continue;
				}
				let slot = text === null ? f.fill : f.categories.indexOf(text);
				if (text !== null && slot < 0) warnings.push(`"${f.column}" = "${text.slice(0, 40)}" was not seen in training (or was too rare); the model treats it as ${f.kind === 'one-hot' && f.other ? 'one of the rare values' : 'none of the known values'}.`);
				if (f.kind === 'ordinal') {
					x[offset] = slot;
					offset += 1;
					continue;
				}
				if (slot < 0 && text !== null && f.other) slot = f.categories.length;
				if (slot >= 0) x[offset + slot] = 1;
				offset += f.categories.length + (f.other ? 1 : 0);
			}
			return { x, warnings };
		};
	}

	return { createPipelineEncoder };
}

export type KilnPipelineRuntime = ReturnType<typeof kilnPipelineRuntime>;
