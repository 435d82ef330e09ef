import { describe, expect, it } from 'vitest';
import { embeddingMatrix, parseWordVectors } from './word-vectors';
import { shippedVectors } from './text.spec-support';

const cosine = (a: Float32Array, b: Float32Array) => {
	let dot = 0, x = 0, y = 0;
	for (let i = 0; i < a.length; i++) {
		dot += a[i] * b[i];
		x += a[i] * a[i];
		y += b[i] * b[i];
	}
	return dot / Math.sqrt(x * y);
};

describe('shipped word vectors', () => {
	const vectors = shippedVectors();

	it('hold 20,000 words of 100 dimensions, the GloVe values within int8 error', () => {
		expect(vectors.words).toHaveLength(20_000);
		expect(vectors.dimensions).toBe(100);
		const the = vectors.vector('The')!;
		// GloVe 6B 100d "the" begins −0.038194 −0.24487 0.72812 −0.39961; the int8 step is max |value| / 127.
		const step = Math.max(...Array.from(the, Math.abs)) / 127;
		[-0.038194, -0.24487, 0.72812, -0.39961].forEach((v, i) => expect(Math.abs(the[i] - v)).toBeLessThanOrEqual(step / 2 + 1e-6));
		expect(vectors.vector('qwzxv-not-a-word')).toBeNull();
	});

	it('put related words closer than unrelated ones', () => {
		const v = (w: string) => vectors.vector(w)!;
		expect(cosine(v('good'), v('great'))).toBeGreaterThan(cosine(v('good'), v('table')));
		expect(cosine(v('king'), v('queen'))).toBeGreaterThan(0.6);
		expect(cosine(v('terrible'), v('awful'))).toBeGreaterThan(cosine(v('terrible'), v('river')));
	});

	it('fill an embedding matrix for a vocabulary: pretrained rows, seeded random rows, zero padding', () => {
		const init = embeddingMatrix(vectors, ['[PAD]', '[UNK]', 'good', 'zzqqxx', 'movie'], 3);
		expect(init.covered).toBe(2);
		expect(init.missing).toEqual(['zzqqxx']);
		expect(Array.from(init.matrix.subarray(0, 100)).every((x) => x === 0)).toBe(true);
		expect(Array.from(init.matrix.subarray(200, 300))).toEqual(Array.from(vectors.vector('good')!));
		expect(embeddingMatrix(vectors, ['[PAD]', '[UNK]', 'zzqqxx'], 3).matrix).toEqual(embeddingMatrix(vectors, ['[PAD]', '[UNK]', 'zzqqxx'], 3).matrix);
	});

	it('refuse damaged files with a message', () => {
		const meta = { format: 'kiln-word-vectors', version: 1, dimensions: 2, words: ['a'] };
		expect(() => parseWordVectors(meta, new ArrayBuffer(8))).toThrow(/shorter than its header/);
		const bin = new ArrayBuffer(16 + 4 + 2);
		const view = new DataView(bin);
		[0x4b, 0x4c, 0x4e, 0x56].forEach((b, i) => view.setUint8(i, b));
		view.setUint32(4, 1, true);
		view.setUint32(8, 2, true);
		view.setUint32(12, 2, true);
		expect(() => parseWordVectors(meta, bin)).toThrow(/holds 2 vectors but the vocabulary lists 1/);
		expect(() => parseWordVectors({ ...meta, format: 'x' }, bin)).toThrow(/kiln-word-vectors/);
	});
});
