import type { ModelArtifacts, TextModelSettings } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { TEXT_LINEAR_FORMAT, type TextLinearModel } from '$workers/lib/text/linear-text';
import { TFIDF_FORMAT } from '$workers/lib/text/tfidf';
import { TOKENIZER_FORMAT } from '$workers/lib/text/tokenizer';
import { TEXT_RUN_FORMAT, type TextRunTopology } from '$workers/lib/text/text-run';
import type { TextModelConfig } from '$workers/lib/text/nn/config';
import type { TextFront } from './media-types';
import { runtime } from './runtime';
import type { DenseSpec, ModelDescription, WeightTensor as DenseWeights } from './types';

/** nn/serialise's format, repeated so this file does not pull tfjs into the data worker. */
const TEXT_MODEL_FORMAT = 'kiln-text-model';

const fail = (message: string): never => {
	throw new KilnError('ImportError', message);
};

function denseLayers(head: ModelDescription): DenseSpec[] {
	const dense = head.layers.filter((l): l is DenseSpec => l.type === 'dense');
	if (dense.length !== head.layers.length) fail('A text link’s head must be dense layers only.');
	return dense;
}

const values = (l: DenseSpec) => runtime.dequantize(l.kernel, l.units);
const bias = (l: DenseSpec) => l.bias ?? new Float32Array(l.units);

/**
 * A text link (its front and dense head) back as the studio's stored text run: TF-IDF + a linear
 * model, or the embedding-bag / 1-D CNN / LSTM-GRU / transformer network (classifier or tagger) with
 * its word or BPE tokeniser, weights dequantised from
 * int8 where the link carried int8. The link does not say whether a TF-IDF model was logistic or
 * naive Bayes: both predict softmax(x·W + b), so it comes back as 'logistic' with 0 iterations.
 * Also returns the run settings that make the studio treat it as a text run on column `column`.
 */
export function textRunFromShare(front: TextFront, head: ModelDescription, classes: string[], column: string): { artifacts: ModelArtifacts; settings: TextModelSettings } {
	const layers = denseLayers(head);
	const k = classes.length;
	if (head.outputSize !== k) fail(`The link's text model gives ${head.outputSize} outputs for ${k} classes.`);
	const rules = { form: front.rules.form, lowercase: front.rules.lowercase, punctuation: front.rules.punctuation, numbers: front.rules.numbers, maxChars: front.rules.maxChars };
	if (front.kind === 'tfidf') {
		if (layers.length !== 1 || layers[0].activation !== 'linear') fail('A TF-IDF link must carry one linear layer.');
		const ngrams = Math.min(3, Math.max(1, front.ngrams)) as 1 | 2 | 3;
		const linear: TextLinearModel = {
			format: TEXT_LINEAR_FORMAT,
			version: 1,
			kind: 'logistic',
			classes: [...classes],
			tfidf: { format: TFIDF_FORMAT, version: 1, spec: { tokenizer: rules, maxFeatures: Math.max(1, front.terms.length), minDf: 1, ngrams, sublinear: front.sublinear }, terms: [...front.terms], idf: Array.from(front.idf), documents: 0 },
			weights: Array.from(values(layers[0])),
			bias: Array.from(bias(layers[0])),
			iterations: 0
		};
		const topology: TextRunTopology = { format: TEXT_RUN_FORMAT, version: 1, column, kind: 'linear', linear };
		return {
			artifacts: { modelTopology: topology, weightSpecs: [], weightData: new ArrayBuffer(0) },
			settings: { family: 'tfidf', classifier: 'logistic', ngrams, maxFeatures: linear.tfidf.spec.maxFeatures, minDf: 1, sublinear: front.sublinear }
		};
	}
	const d = front.dim;
	const weights: { name: string; shape: number[]; data: Float32Array }[] = [{ name: 'embedding', shape: [front.vocabulary.length, d], data: runtime.dequantize(front.embedding, d) }];
	const common = { task: front.task === 'token' ? ('token' as const) : ('sequence' as const), vocabularySize: front.vocabulary.length, classes: k, maxLength: front.maxLength, embeddingDim: d, trainEmbedding: true, dropout: 0, seed: 0 };
	let config: TextModelConfig;
	let width: number;
	if (front.kind === 'cnn') {
		const filters = front.convs[0]?.filters ?? fail('A 1-D CNN link must carry at least one convolution.');
		if (front.convs.some((c) => c.filters !== filters) || new Set(front.convs.map((c) => c.k)).size !== front.convs.length) fail('The link’s convolutions must share one filter count and have distinct widths, as Kiln trains them.');
		for (const c of front.convs) weights.push({ name: `conv${c.k}/w`, shape: [c.k, d, filters], data: runtime.dequantize(c.kernel, filters) }, { name: `conv${c.k}/b`, shape: [filters], data: c.bias });
		if (layers.length !== 1) fail('A 1-D CNN link must carry one output layer after its convolutions.');
		config = { ...common, family: 'cnn', filters, kernelSizes: front.convs.map((c) => c.k) };
		width = filters * front.convs.length;
	} else if (front.kind === 'rnn') {
		const g = (front.cell === 'lstm' ? 4 : 3) * front.units;
		front.directions.forEach((dir, i) => {
			const name = i === 0 ? 'fw' : 'bw';
			weights.push({ name: `${name}/w`, shape: [d, g], data: runtime.dequantize(dir.w, g) }, { name: `${name}/u`, shape: [front.units, g], data: runtime.dequantize(dir.u, g) }, { name: `${name}/b`, shape: [g], data: dir.b });
			if (front.cell === 'gru') weights.push({ name: `${name}/bu`, shape: [g], data: dir.bu ?? fail('A GRU link must carry its recurrent bias.') });
		});
		if (layers.length !== 1) fail('An LSTM/GRU link must carry one output layer after its recurrence.');
		config = { ...common, family: 'rnn', cell: front.cell, units: front.units, bidirectional: front.directions.length === 2 };
		width = front.units * front.directions.length;
	} else if (front.kind === 'transformer') {
		weights.push({ name: 'position', shape: [front.maxLength, d], data: runtime.dequantize(front.position, d) });
		const norm = (name: string, n: { gamma: Float32Array; beta: Float32Array }) => weights.push({ name: `${name}/gamma`, shape: [d], data: n.gamma }, { name: `${name}/beta`, shape: [d], data: n.beta });
		const linear = (name: string, m: { w: DenseWeights; b: Float32Array }, inputs: number, units: number) => weights.push({ name: `${name}/w`, shape: [inputs, units], data: runtime.dequantize(m.w, units) }, { name: `${name}/b`, shape: [units], data: m.b });
		front.blocks.forEach((b, l) => {
			norm(`layer${l}/ln1`, b.ln1);
			b.attention.forEach((m, i) => linear(`layer${l}/attn/${'qkvo'[i]}`, m, d, d));
			norm(`layer${l}/ln2`, b.ln2);
			linear(`layer${l}/ff1`, b.ff1, d, front.ffDim);
			linear(`layer${l}/ff2`, b.ff2, front.ffDim, d);
		});
		norm('final', front.final);
		if (layers.length !== 1) fail('A transformer link must carry one output layer after its encoder.');
		config = { ...common, family: 'transformer', layers: front.blocks.length, heads: front.heads, ffDim: front.ffDim };
		width = d;
	} else {
		if (layers.length > 2 || (layers.length === 2 && layers[0].activation !== 'relu')) fail('An embedding-bag link must carry an optional ReLU hidden layer and an output layer.');
		const hidden = layers.length === 2 ? layers[0].units : 0;
		if (hidden > 0) weights.push({ name: 'hidden/w', shape: [d, hidden], data: values(layers[0]) }, { name: 'hidden/b', shape: [hidden], data: bias(layers[0]) });
		config = { ...common, family: 'embedding-bag', hidden };
		width = hidden > 0 ? hidden : d;
	}
	const out = layers[layers.length - 1];
	if (out.inputs !== width || out.activation !== 'linear') fail('The link’s text network does not end in a linear layer of the expected width.');
	weights.push({ name: 'head/w', shape: [width, k], data: values(out) }, { name: 'head/b', shape: [k], data: bias(out) });
	const data = new Float32Array(weights.reduce((n, w) => n + w.data.length, 0));
	let at = 0;
	for (const w of weights) {
		data.set(w.data, at);
		at += w.data.length;
	}
	const topology: TextRunTopology = {
		format: TEXT_RUN_FORMAT,
		version: 1,
		column,
		kind: 'neural',
		tokenizer: front.bpe
			? { format: TOKENIZER_FORMAT, version: 1, kind: 'bpe', options: { form: rules.form, lowercase: rules.lowercase, fallback: front.bpe.fallback, maxChars: rules.maxChars }, vocabulary: [...front.vocabulary], merges: Array.from({ length: front.bpe.merges.length / 2 }, (_, i) => [front.vocabulary[front.bpe!.merges[2 * i]], front.vocabulary[front.bpe!.merges[2 * i + 1]]] as [string, string]) }
			: { format: TOKENIZER_FORMAT, version: 1, kind: 'word', options: rules, vocabulary: [...front.vocabulary] },
		network: { format: TEXT_MODEL_FORMAT, version: 1, config }
	};
	const settings: TextModelSettings = {
		family: front.kind,
		tokenizer: front.bpe ? 'bpe' : 'word',
		vocabularySize: front.vocabulary.length,
		maxLength: front.maxLength,
		embeddingDim: d,
		width: front.kind === 'cnn' ? (config as { filters: number }).filters : front.kind === 'rnn' ? front.units : front.kind === 'transformer' ? front.ffDim : (config as { hidden: number }).hidden,
		dropout: 0,
		kernelSizes: front.kind === 'cnn' ? front.convs.map((c) => c.k) : [3, 4, 5],
		cell: front.kind === 'rnn' ? front.cell : 'lstm',
		bidirectional: front.kind === 'rnn' && front.directions.length === 2,
		layers: front.kind === 'transformer' ? front.blocks.length : 1,
		heads: front.kind === 'transformer' ? front.heads : 1
	};
	return { artifacts: { modelTopology: topology, weightSpecs: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' as const })), weightData: data.buffer }, settings };
}
