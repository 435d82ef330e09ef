import { KilnError } from '$shared/errors';
import { createRng } from '$workers/lib/random';

/**
 * Pretrained word vectors shipped in static/models (GloVe 100-d, top 20k words, int8): a JSON
 * file with the words and a binary with one scale per vector and the int8 values. The worker
 * fetches both from its own origin and hands them here.
 */
export interface WordVectors {
	dimensions: number;
	words: string[];
	/** Lower-case every lookup (the shipped GloVe vocabulary is lower case). */
	lowercase: boolean;
	/** The vector of `word`, dequantised, or null when it is not among the words. */
	vector(word: string): Float32Array | null;
}

const MAGIC = [0x4b, 0x4c, 0x4e, 0x56]; // "KLNV"

function bad(message: string): never {
	throw new KilnError('ModelFormatError', `The word-vector files are damaged: ${message}`);
}

export function parseWordVectors(meta: unknown, binary: ArrayBuffer): WordVectors {
	if (typeof meta !== 'object' || meta === null) bad('the vocabulary file is not a JSON object.');
	const m = meta as Record<string, unknown>;
	if (m.format !== 'kiln-word-vectors' || m.version !== 1) bad('the vocabulary file is not format "kiln-word-vectors" version 1.');
	const words = m.words;
	if (!Array.isArray(words) || words.some((w) => typeof w !== 'string')) bad('"words" is not a list of words.');
	if (binary.byteLength < 16) bad('the binary file is shorter than its header.');
	const view = new DataView(binary);
	if (MAGIC.some((b, i) => view.getUint8(i) !== b) || view.getUint32(4, true) !== 1) bad('the binary file does not start with KLNV version 1.');
	const count = view.getUint32(8, true);
	const dimensions = view.getUint32(12, true);
	if (count !== words.length) bad(`the binary holds ${count} vectors but the vocabulary lists ${words.length} words.`);
	if (dimensions !== m.dimensions || dimensions < 1) bad(`the binary says ${dimensions} dimensions, the vocabulary ${String(m.dimensions)}.`);
	if (binary.byteLength !== 16 + 4 * count + count * dimensions) bad(`the binary has ${binary.byteLength} bytes; ${count} vectors of ${dimensions} need ${16 + 5 * count + count * dimensions - count}.`);
	const scales = new Float32Array(binary.slice(16, 16 + 4 * count));
	const values = new Int8Array(binary, 16 + 4 * count, count * dimensions);
	const index = new Map<string, number>();
	(words as string[]).forEach((w, i) => {
		if (!index.has(w)) index.set(w, i);
	});
	const lowercase = m.lowercase === true;
	return {
		dimensions,
		words: words as string[],
		lowercase,
		vector(word) {
			const i = index.get(lowercase ? word.toLowerCase() : word);
			if (i === undefined) return null;
			const out = new Float32Array(dimensions);
			const s = scales[i];
			for (let d = 0; d < dimensions; d++) out[d] = values[i * dimensions + d] * s;
			return out;
		}
	};
}

export interface EmbeddingInit {
	/** Row-major [vocabulary × dimensions]. */
	matrix: Float32Array;
	dimensions: number;
	/** Vocabulary entries that found a pretrained vector. */
	covered: number;
	/** Up to 20 frequent vocabulary entries without one, for the person to see. */
	missing: string[];
}

/**
 * An embedding matrix for a tokeniser's vocabulary: pretrained rows where the word has a vector,
 * small seeded random rows elsewhere, zeros for [PAD]. Subword (BPE) tokens mostly have no
 * vector: word vectors suit the word tokeniser.
 */
export function embeddingMatrix(vectors: WordVectors, vocabulary: readonly string[], seed: number): EmbeddingInit {
	const d = vectors.dimensions;
	const matrix = new Float32Array(vocabulary.length * d);
	const rng = createRng(seed);
	let covered = 0;
	const missing: string[] = [];
	vocabulary.forEach((token, i) => {
		if (i === 0) return;
		const v = i > 1 ? vectors.vector(token) : null;
		if (v) {
			matrix.set(v, i * d);
			covered++;
		} else {
			if (i > 1 && missing.length < 20) missing.push(token);
			for (let k = 0; k < d; k++) matrix[i * d + k] = (rng() - 0.5) * 0.2;
		}
	});
	return { matrix, dimensions: d, covered, missing };
}
