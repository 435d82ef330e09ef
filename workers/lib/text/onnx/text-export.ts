import * as tf from '@tensorflow/tfjs-core';
import { strToU8, zipSync } from 'fflate';
import type { ModelArtifacts, OnnxCheck } from '$workers/protocol';
import type { OrtRuntime } from '$workers/lib/ship/types';
import { KilnError } from '$shared/errors';
import { predictTextLinear } from '../linear-text';
import { transformTfidf, type TfidfState } from '../tfidf';
import { createTokenizer, type TokenizerState } from '../tokenizer';
import type { TextRunTopology } from '../text-run';
import { encodeTexts } from '../nn/sequences';
import { loadTextModel } from '../nn/serialise';
import type { TextModelTopology } from '../nn/serialise';
import { textLinearOnnx, TFIDF_ONNX_INPUT } from './linear-onnx';
import { textNetworkOnnx, TEXT_ONNX_INPUT } from './network-onnx';

/**
 * A text run for outside Kiln: model.onnx (token ids or the TF-IDF vector in, probabilities out)
 * and text.json, the sidecar with what a graph cannot hold — the tokeniser's rules and vocabulary,
 * or the TF-IDF terms, idf and weighting — so a caller turns raw text into the graph's input.
 */

export const TEXT_SIDECAR_FORMAT = 'kiln-text-onnx';

export type TextSidecar = {
	format: typeof TEXT_SIDECAR_FORMAT;
	version: 1;
	/** The dataset column the model reads. */
	column: string;
	/** Class names (tags for a tagger), in the order of the graph's last axis. */
	classes: string[];
	steps: string[];
} & (
	| { kind: 'neural'; task: 'sequence' | 'token'; input: { name: typeof TEXT_ONNX_INPUT; type: 'int64'; shape: ['N', number] }; maxLength: number; padId: 0; unknownId: 1; tokenizer: TokenizerState }
	| { kind: 'tfidf'; task: 'sequence'; input: { name: typeof TFIDF_ONNX_INPUT; type: 'float32'; shape: ['N', number] }; tfidf: TfidfState }
);

function networkOf(topology: Extract<TextRunTopology, { kind: 'neural' }>, artifacts: ModelArtifacts): ModelArtifacts {
	return { modelTopology: topology.network, weightSpecs: artifacts.weightSpecs, weightData: artifacts.weightData };
}

function configOf(topology: Extract<TextRunTopology, { kind: 'neural' }>) {
	return (topology.network as TextModelTopology).config;
}

/** The ONNX graph of a stored text run (its ModelArtifacts, topology a TextRunTopology). */
export function textRunOnnx(topology: TextRunTopology, artifacts: ModelArtifacts): Uint8Array {
	return topology.kind === 'linear' ? textLinearOnnx(topology.linear) : textNetworkOnnx(networkOf(topology, artifacts));
}

export function textSidecar(topology: TextRunTopology, classes: string[]): TextSidecar {
	const base = { format: TEXT_SIDECAR_FORMAT as typeof TEXT_SIDECAR_FORMAT, version: 1 as const, column: topology.column, classes: [...classes] };
	if (topology.kind === 'linear') {
		const s = topology.linear.tfidf.spec;
		return {
			...base,
			kind: 'tfidf',
			task: 'sequence',
			input: { name: TFIDF_ONNX_INPUT, type: 'float32', shape: ['N', topology.linear.tfidf.terms.length] },
			tfidf: topology.linear.tfidf,
			steps: [
				`Normalise the text: Unicode ${s.tokenizer.form}${s.tokenizer.lowercase ? ', lower-case' : ''}, keep the first ${s.tokenizer.maxChars} characters.`,
				`Split it into words (Unicode letters and digits; punctuation ${s.tokenizer.punctuation === 'keep' ? 'kept as tokens' : 'dropped'}; numbers ${s.tokenizer.numbers === 'keep' ? 'kept' : 'replaced by one number token'})${s.ngrams > 1 ? ` and add every run of up to ${s.ngrams} words joined by one space` : ''}.`,
				`Count each term of tfidf.terms (others are ignored); weight = ${s.sublinear ? '(1 + ln count)' : 'count'} × tfidf.idf; divide the row by its Euclidean length (all zeros stay zeros).`,
				`Feed the [texts × ${topology.linear.tfidf.terms.length}] float32 matrix as "${TFIDF_ONNX_INPUT}"; "probabilities" has one column per class in "classes".`
			]
		};
	}
	const c = configOf(topology);
	const tagger = c.task === 'token';
	return {
		...base,
		kind: 'neural',
		task: c.task,
		input: { name: TEXT_ONNX_INPUT, type: 'int64', shape: ['N', c.maxLength] },
		maxLength: c.maxLength,
		padId: 0,
		unknownId: 1,
		tokenizer: topology.tokenizer,
		steps: [
			`Normalise the text (tokenizer.options: Unicode form, lower-casing, length cap) and split it into ${topology.tokenizer.kind === 'word' ? 'words' : 'BPE pieces (tokenizer.merges in order)'} as Kiln's ${topology.tokenizer.kind} tokeniser does${tagger ? ' — or, for pre-split tokens, normalise each token and look it up whole' : ''}.`,
			'Each token becomes its index in tokenizer.vocabulary; a token not in it becomes 1 ([UNK]).',
			`Keep the first ${c.maxLength} ids, left-aligned, and pad with 0 after them (padding is masked inside the graph; never put 0 between tokens).`,
			`Feed the ids as int64 [texts × ${c.maxLength}] "${TEXT_ONNX_INPUT}"; "probabilities" is ${tagger ? '[texts × positions × tags], one row per token position (padding positions mean nothing)' : '[texts × classes]'} in the order of "classes".`
		]
	};
}

/** Inputs for the graph from raw texts, by the sidecar's rules (what a caller outside Kiln does). */
export function textFeeds(topology: TextRunTopology, texts: readonly (string | null)[]): { name: string; type: 'int64' | 'float32'; data: BigInt64Array | Float32Array; dims: number[] } {
	if (topology.kind === 'linear') {
		const { matrix } = transformTfidf(topology.linear.tfidf, texts);
		const width = matrix.cols;
		const data = new Float32Array(matrix.rows * width);
		for (let r = 0; r < matrix.rows; r++) for (let p = matrix.indptr[r]; p < matrix.indptr[r + 1]; p++) data[r * width + matrix.indices[p]] = matrix.values[p];
		return { name: TFIDF_ONNX_INPUT, type: 'float32', data, dims: [texts.length, width] };
	}
	const t = configOf(topology).maxLength;
	const { ids } = encodeTexts(createTokenizer(topology.tokenizer), texts, t);
	return { name: TEXT_ONNX_INPUT, type: 'int64', data: BigInt64Array.from(ids, (v) => BigInt(v)), dims: [texts.length, t] };
}

/** Kiln's own probabilities for encoded ids (tfjs, the run's network), batch by batch. */
async function networkProbabilities(artifacts: ModelArtifacts, ids: Int32Array, count: number): Promise<Float32Array> {
	const model = loadTextModel(artifacts);
	try {
		const t = model.config.maxLength;
		const chunks: Float32Array[] = [];
		for (let start = 0; start < count; start += 128) {
			const n = Math.min(128, count - start);
			const p = tf.tidy(() => tf.softmax(model.forward(tf.tensor2d(ids.subarray(start * t, (start + n) * t), [n, t], 'int32'), { training: false }).logits));
			chunks.push((await p.data()) as Float32Array);
			p.dispose();
		}
		const out = new Float32Array(chunks.reduce((a, c) => a + c.length, 0));
		let offset = 0;
		for (const c of chunks) (out.set(c, offset), (offset += c.length));
		return out;
	} finally {
		model.dispose();
	}
}

/**
 * Runs the exported graph in `ort` on `texts` (or, for a tagger, on pre-encoded `ids` of held-out
 * sentences) and compares its probabilities with Kiln's: largest difference and rows (tokens, for
 * a tagger) whose most probable class agrees. Padding positions of a tagger are not compared.
 */
export async function checkTextOnnx(ort: OrtRuntime, onnx: Uint8Array, topology: TextRunTopology, artifacts: ModelArtifacts, input: { texts: readonly (string | null)[] } | { ids: Int32Array; count: number }, runtime: string): Promise<OnnxCheck> {
	let want: Float32Array;
	let feed: ReturnType<typeof textFeeds>;
	let ids: Int32Array | null = null;
	if ('texts' in input) {
		if (input.texts.length === 0) throw new KilnError('ExportError', 'This run has no holdout texts to check the ONNX file on.');
		feed = textFeeds(topology, input.texts);
		if (topology.kind === 'linear') want = predictTextLinear(topology.linear, input.texts).probabilities;
		else {
			ids = Int32Array.from(feed.data as BigInt64Array, (v) => Number(v));
			want = await networkProbabilities(networkOf(topology, artifacts), ids, input.texts.length);
		}
	} else {
		if (topology.kind !== 'neural') throw new KilnError('ExportError', 'Encoded token ids only feed a text network.');
		if (input.count === 0) throw new KilnError('ExportError', 'This run has no held-out sentences to check the ONNX file on.');
		ids = input.ids;
		const t = configOf(topology).maxLength;
		feed = { name: TEXT_ONNX_INPUT, type: 'int64', data: BigInt64Array.from(ids, (v) => BigInt(v)), dims: [input.count, t] };
		want = await networkProbabilities(networkOf(topology, artifacts), ids, input.count);
	}
	const session = await ort.InferenceSession.create(onnx);
	let got: Float32Array;
	try {
		const tensor = feed.type === 'int64' ? new ort.Tensor('int64', feed.data as BigInt64Array, feed.dims) : new ort.Tensor('float32', feed.data as Float32Array, feed.dims);
		const result = await session.run({ [feed.name]: tensor }, ['probabilities']);
		got = result.probabilities.data as Float32Array;
	} finally {
		await session.release();
	}
	if (got.length !== want.length) throw new KilnError('ExportError', `The ONNX file gives ${got.length} probabilities; Kiln's model gives ${want.length}.`);
	const k = topology.kind === 'linear' ? topology.linear.classes.length : configOf(topology).classes;
	const tagger = topology.kind === 'neural' && configOf(topology).task === 'token';
	let maxAbsDiff = 0;
	let rows = 0;
	let agreed = 0;
	for (let r = 0; r < want.length / k; r++) {
		if (tagger && ids![r] === 0) continue;
		rows++;
		let a = 0;
		let b = 0;
		for (let j = 0; j < k; j++) {
			const i = r * k + j;
			const diff = Math.abs(want[i] - got[i]);
			maxAbsDiff = Number.isNaN(diff) ? Infinity : Math.max(maxAbsDiff, diff);
			if (want[i] > want[r * k + a]) a = j;
			if (got[i] > got[r * k + b]) b = j;
		}
		if (a === b) agreed++;
	}
	return { runtime, rows, compared: 'probabilities', maxAbsDiff, agreed };
}

/** model.onnx + text.json (+ a README saying how to feed it), zipped. */
export function textOnnxZip(onnx: Uint8Array, sidecar: TextSidecar): Uint8Array {
	const readme = ['An ONNX model exported by Kiln for a text run.', 'text.json says how raw text becomes the graph input (steps), with the vocabulary and rules Kiln trained with.', ...sidecar.steps, ''].join('\n');
	return zipSync({ 'model.onnx': onnx, 'text.json': strToU8(JSON.stringify(sidecar)), 'README.txt': strToU8(readme) }, { level: 6, mtime: new Date('2000-01-01T00:00:00Z') });
}
