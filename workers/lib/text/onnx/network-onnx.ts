import type { ModelArtifacts } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { DataType, GraphBuilder } from '$workers/lib/ship/onnx-builder';
import { readWeights } from '$workers/lib/ship/tfjs-weights';
import { validateTextModelConfig, type TextModelConfig } from '../nn/config';
import { TEXT_MODEL_FORMAT, type TextModelTopology } from '../nn/serialise';

/**
 * A Kiln text network (workers/lib/text/nn/text-model.ts) as an ONNX graph, op for op: token ids
 * in (int64 [N, maxLength], left-aligned, 0 = padding, as the sidecar's tokeniser makes them),
 * logits and probabilities out — [N, classes] for a classifier, [N, maxLength, tags] for a tagger.
 * Built straight from the stored weights (no tfjs needed): the model is not a tfjs layers model.
 */

export const TEXT_ONNX_INPUT = 'ids';

type Weights = Map<string, { shape: number[]; values: Float32Array }>;

function configOf(artifacts: ModelArtifacts): TextModelConfig {
	const topology = artifacts.modelTopology as Partial<TextModelTopology>;
	if (topology?.format !== TEXT_MODEL_FORMAT || !topology.config) throw new KilnError('ExportError', 'This is not a Kiln text network, so it cannot be written as a text ONNX graph.');
	validateTextModelConfig(topology.config);
	return topology.config;
}

/** Kernel [rows, cols] → its transpose, for ONNX ops that want [out, in]. */
function transpose2d(values: Float32Array, rows: number, cols: number): Float32Array {
	const out = new Float32Array(values.length);
	for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
	return out;
}

/** Kiln's gate blocks [in, gates·H] (order `order[k]` → ONNX gate k) → ONNX [gates·H, in]. */
function gates(values: Float32Array, rows: number, units: number, order: number[]): Float32Array {
	const t = transpose2d(values, rows, order.length * units);
	const out = new Float32Array(t.length);
	order.forEach((source, k) => out.set(t.subarray(source * units * rows, (source + 1) * units * rows), k * units * rows));
	return out;
}

function gateBias(values: Float32Array, units: number, order: number[]): Float32Array {
	const out = new Float32Array(values.length);
	order.forEach((source, k) => out.set(values.subarray(source * units, (source + 1) * units), k * units));
	return out;
}

class TextGraph {
	readonly g = new GraphBuilder(13);
	constructor(private readonly weights: Weights) {}

	w(name: string): { shape: number[]; values: Float32Array } {
		const w = this.weights.get(name);
		if (!w) throw new KilnError('ModelFormatError', `The text network has no weight “${name}”; the stored model is damaged.`);
		return w;
	}

	param(name: string): string {
		const w = this.w(name);
		return this.g.float(name, w.values, w.shape);
	}

	dense(x: string, name: string): string {
		return this.g.node('Add', [this.g.node('MatMul', [x, this.param(`${name}/w`)]), this.param(`${name}/b`)]);
	}

	scalar(value: number): string {
		return this.g.float('c', [value], []);
	}

	/** As Kiln's layerNorm: (x − mean) / sqrt(population variance + ε) · γ + β over the last axis. */
	layerNorm(x: string, prefix: string): string {
		const { g } = this;
		const mean = g.node('ReduceMean', [x], { axes: { ints: [-1] }, keepdims: { i: 1 } });
		const centred = g.node('Sub', [x, mean]);
		const variance = g.node('ReduceMean', [g.node('Mul', [centred, centred])], { axes: { ints: [-1] }, keepdims: { i: 1 } });
		const scaled = g.node('Div', [centred, g.node('Sqrt', [g.node('Add', [variance, this.scalar(1e-5)])])]);
		return g.node('Add', [g.node('Mul', [scaled, this.param(`${prefix}/gamma`)]), this.param(`${prefix}/beta`)]);
	}

	/** Masked mean over time of x [N, T, d] (mask3 [N, T, 1]); an empty text gives zeros. */
	maskedMean(x: string, mask3: string): string {
		const { g } = this;
		const axes = g.int64('axes', [1]);
		const sum = g.node('ReduceSum', [g.node('Mul', [x, mask3]), axes], { keepdims: { i: 0 } });
		const count = g.node('Max', [g.node('ReduceSum', [mask3, axes], { keepdims: { i: 0 } }), this.scalar(1)]);
		return g.node('Div', [sum, count]);
	}
}

function embeddingBag(t: TextGraph, c: Extract<TextModelConfig, { family: 'embedding-bag' }>, x: string, mask3: string): string {
	const pooled = c.task === 'sequence' ? t.maskedMean(x, mask3) : x;
	return c.hidden > 0 ? t.g.node('Relu', [t.dense(pooled, 'hidden')]) : pooled;
}

function cnn(t: TextGraph, c: Extract<TextModelConfig, { family: 'cnn' }>, x: string, mask3: string, mask: string): string {
	const { g } = t;
	// Channels-first [N, d, T] with padded positions zeroed, as Kiln does before its convolutions.
	const channels = g.node('Transpose', [g.node('Mul', [x, mask3])], { perm: { ints: [0, 2, 1] } });
	const bias = g.node('Unsqueeze', [g.node('Mul', [g.node('Sub', [mask, t.scalar(1)]), t.scalar(1e9)]), g.int64('axes', [2])]);
	const maps = c.kernelSizes.map((k) => {
		const w = t.w(`conv${k}/w`);
		// Kiln [k, d, filters] → ONNX [filters, d, k]; 'same' padding as TF pads it (the extra one after).
		const onnxW = new Float32Array(w.values.length);
		const d = c.embeddingDim;
		for (let i = 0; i < k; i++) for (let j = 0; j < d; j++) for (let f = 0; f < c.filters; f++) onnxW[(f * d + j) * k + i] = w.values[(i * d + j) * c.filters + f];
		const before = Math.floor((k - 1) / 2);
		const conv = g.node('Conv', [channels, g.float(`conv${k}/W`, onnxW, [c.filters, d, k]), t.param(`conv${k}/b`)], { kernel_shape: { ints: [k] }, pads: { ints: [before, k - 1 - before] } });
		const y = g.node('Transpose', [g.node('Relu', [conv])], { perm: { ints: [0, 2, 1] } });
		return c.task === 'sequence' ? g.node('Relu', [g.node('ReduceMax', [g.node('Add', [y, bias])], { axes: { ints: [1] }, keepdims: { i: 0 } })]) : y;
	});
	return maps.length === 1 ? maps[0] : g.node('Concat', maps, { axis: { i: -1 } });
}

/**
 * Kiln's recurrent step keeps the state on padded steps, so with left-aligned ids it equals ONNX's
 * LSTM/GRU with sequence_lens = real tokens per text; the reverse direction then starts at the last
 * real token, as Kiln's does. (At padded positions ONNX outputs zeros; no token is read there.)
 */
function recurrent(t: TextGraph, c: Extract<TextModelConfig, { family: 'rnn' }>, x: string, mask: string): string {
	const { g } = t;
	const lstm = c.cell === 'lstm';
	// Kiln/Keras LSTM gates [i, f, c, o] → ONNX [i, o, f, c]; GRU [z, r, n] is ONNX's order.
	const order = lstm ? [0, 3, 1, 2] : [0, 1, 2];
	const dirs = c.bidirectional ? ['fw', 'bw'] : ['fw'];
	const n = order.length * c.units;
	const d = c.embeddingDim;
	const W = new Float32Array(dirs.length * n * d);
	const R = new Float32Array(dirs.length * n * c.units);
	const B = new Float32Array(dirs.length * 2 * n);
	dirs.forEach((dir, i) => {
		W.set(gates(t.w(`${dir}/w`).values, d, c.units, order), i * n * d);
		R.set(gates(t.w(`${dir}/u`).values, c.units, c.units, order), i * n * c.units);
		B.set(gateBias(t.w(`${dir}/b`).values, c.units, order), i * 2 * n);
		if (!lstm) B.set(gateBias(t.w(`${dir}/bu`).values, c.units, order), i * 2 * n + n);
	});
	const lengths = g.node('Cast', [g.node('ReduceSum', [mask, g.int64('axes', [1])], { keepdims: { i: 0 } })], { to: { i: DataType.INT32 } });
	const timeMajor = g.node('Transpose', [x], { perm: { ints: [1, 0, 2] } });
	const attrs = { hidden_size: { i: c.units }, direction: { s: c.bidirectional ? 'bidirectional' : 'forward' }, ...(lstm ? {} : { linear_before_reset: { i: 1 } }) };
	const [y, yh] = g.nodeOutputs(lstm ? 'LSTM' : 'GRU', [timeMajor, g.float('rnn/W', W, [dirs.length, n, d]), g.float('rnn/R', R, [dirs.length, n, c.units]), g.float('rnn/B', B, [dirs.length, 2 * n]), lengths], attrs, { outputs: 2 });
	const width = c.units * dirs.length;
	if (c.task === 'sequence') return g.node('Reshape', [g.node('Transpose', [yh], { perm: { ints: [1, 0, 2] } }), g.int64('shape', [0, width])]);
	// Y [T, dirs, N, units] → [N, T, dirs·units], forward units first as Kiln concatenates them.
	return g.node('Reshape', [g.node('Transpose', [y], { perm: { ints: [2, 0, 1, 3] } }), g.int64('shape', [0, c.maxLength, width])]);
}

function transformer(t: TextGraph, c: Extract<TextModelConfig, { family: 'transformer' }>, embedded: string, mask: string, mask3: string): string {
	const { g } = t;
	const d = c.embeddingDim;
	const T = c.maxLength;
	const dh = d / c.heads;
	let x = g.node('Add', [embedded, t.param('position')]);
	const keyBias = g.node('Unsqueeze', [g.node('Mul', [g.node('Sub', [mask, t.scalar(1)]), t.scalar(1e9)]), g.int64('axes', [1, 2])]);
	const heads = g.int64('shape', [0, T, c.heads, dh]);
	const split = (y: string, perm: number[]) => g.node('Transpose', [g.node('Reshape', [y, heads])], { perm: { ints: perm } });
	for (let l = 0; l < c.layers; l++) {
		const h = t.layerNorm(x, `layer${l}/ln1`);
		const q = split(t.dense(h, `layer${l}/attn/q`), [0, 2, 1, 3]);
		const k = split(t.dense(h, `layer${l}/attn/k`), [0, 2, 3, 1]);
		const v = split(t.dense(h, `layer${l}/attn/v`), [0, 2, 1, 3]);
		const scores = g.node('Add', [g.node('Mul', [g.node('MatMul', [q, k]), t.scalar(1 / Math.sqrt(dh))]), keyBias]);
		const mixed = g.node('MatMul', [g.node('Softmax', [scores], { axis: { i: -1 } }), v]);
		const merged = g.node('Reshape', [g.node('Transpose', [mixed], { perm: { ints: [0, 2, 1, 3] } }), g.int64('shape', [0, T, d])]);
		x = g.node('Add', [x, t.dense(merged, `layer${l}/attn/o`)]);
		const ff = g.node('Relu', [t.dense(t.layerNorm(x, `layer${l}/ln2`), `layer${l}/ff1`)]);
		x = g.node('Add', [x, t.dense(ff, `layer${l}/ff2`)]);
	}
	x = t.layerNorm(x, 'final');
	return c.task === 'sequence' ? t.maskedMean(x, mask3) : x;
}

/** The text network's ONNX bytes: input `ids`, outputs `logits` and `probabilities`. */
export function textNetworkOnnx(artifacts: ModelArtifacts): Uint8Array {
	const c = configOf(artifacts);
	const weights: Weights = new Map(readWeights(artifacts).map((e) => [e.name, { shape: e.shape, values: Float32Array.from(e.values) }]));
	const t = new TextGraph(weights);
	const { g } = t;
	const ids = g.input(TEXT_ONNX_INPUT, DataType.INT64, ['N', c.maxLength]);
	g.claimOutput('logits');
	g.claimOutput('probabilities');
	const mask = g.node('Cast', [g.node('Greater', [ids, g.int64('zero', [0], [])])], { to: { i: DataType.FLOAT } });
	const mask3 = g.node('Unsqueeze', [mask, g.int64('axes', [2])]);
	const embedded = g.node('Gather', [t.param('embedding'), ids], { axis: { i: 0 } });
	let features: string;
	switch (c.family) {
		case 'embedding-bag':
			features = embeddingBag(t, c, embedded, mask3);
			break;
		case 'cnn':
			features = cnn(t, c, embedded, mask3, mask);
			break;
		case 'rnn':
			features = recurrent(t, c, embedded, mask);
			break;
		case 'transformer':
			features = transformer(t, c, embedded, mask, mask3);
			break;
	}
	const logits = t.dense(features, 'head');
	const dims = c.task === 'sequence' ? ['N', c.classes] : ['N', c.maxLength, c.classes];
	g.output(logits, 'logits', DataType.FLOAT, dims);
	g.output(g.node('Softmax', [logits], { axis: { i: -1 } }), 'probabilities', DataType.FLOAT, dims);
	return g.encode('kiln-text', `Kiln text ${c.task === 'token' ? 'tagger' : 'classifier'} (${c.family}); token ids from the sidecar's tokeniser in, ${c.task === 'token' ? 'per-token tag' : 'class'} probabilities out.`);
}
