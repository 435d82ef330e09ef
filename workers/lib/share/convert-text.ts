import type { ModelArtifacts } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { weightTensor, type WeightFormat } from './convert';
import type { TextFront, WordRules } from './media-types';
import type { DenseSpec, ModelDescription, WeightTensor } from './types';

const fail = (message: string): never => {
	throw new KilnError('ExportError', message);
};

type Json = Record<string, unknown>;
const obj = (v: unknown, what: string): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : fail(`The stored text run has no readable ${what}.`));

function rulesOf(value: unknown): WordRules {
	const o = obj(value, 'tokeniser rules');
	return { form: o.form as WordRules['form'], lowercase: o.lowercase as boolean, punctuation: o.punctuation as WordRules['punctuation'], numbers: o.numbers as WordRules['numbers'], maxChars: o.maxChars as number };
}

function dense(inputs: number, units: number, kernel: Float32Array, bias: Float32Array, activation: DenseSpec['activation'], weights: WeightFormat): DenseSpec {
	const tensor: WeightTensor = weightTensor(kernel, units, weights);
	return { type: 'dense', inputs, units, kernel: tensor, bias, activation };
}

/**
 * A stored text run (workers/lib/text/text-run.ts: TF-IDF + logistic / naive Bayes, or a neural
 * classifier) → the text front and dense head of a share link. Networks: embedding-bag, 1-D CNN and
 * LSTM/GRU with the word tokeniser; the transformer is refused by name (the share runtime has no
 * attention kernel yet).
 */
export function describeTextModel(artifacts: ModelArtifacts, weights: WeightFormat = 'int8'): { front: TextFront; head: ModelDescription } {
	const topology = obj(artifacts.modelTopology, 'topology');
	if (topology.format !== 'kiln-text-run') fail('This model is not a Kiln text run.');
	if (topology.kind === 'linear') {
		const linear = obj(topology.linear, 'TF-IDF model');
		const tfidf = obj(linear.tfidf, 'TF-IDF state');
		const spec = obj(tfidf.spec, 'TF-IDF settings');
		const terms = tfidf.terms as string[];
		const classes = (linear.classes as string[]).length;
		const front: TextFront = { kind: 'tfidf', rules: rulesOf(spec.tokenizer), ngrams: spec.ngrams as number, sublinear: spec.sublinear as boolean, terms: [...terms], idf: Float32Array.from(tfidf.idf as number[]) };
		const layer = dense(terms.length, classes, Float32Array.from(linear.weights as number[]), Float32Array.from(linear.bias as number[]), 'linear', weights);
		return { front, head: { inputSize: terms.length, outputSize: classes, layers: [layer] } };
	}
	const network = obj(topology.network, 'network');
	const config = obj(network.config, 'network settings');
	const tokenizer = obj(topology.tokenizer, 'tokeniser');
	if (config.task !== 'sequence') fail('Share links carry text classifiers; this run is a token tagger.');
	if (config.family !== 'embedding-bag' && config.family !== 'cnn' && config.family !== 'rnn') fail(`Share links carry the embedding-bag, 1-D CNN and LSTM/GRU text networks (and TF-IDF models); this run is a ${String(config.family)} network, which the share runtime cannot run yet. Export the project bundle to move it to another browser.`);
	if (tokenizer.kind !== 'word') fail('Share links replay the word tokeniser; this run uses BPE sub-words, which the share runtime cannot replay yet. Train it with the word tokeniser to share it.');
	const table = new Map<string, Float32Array>();
	let offset = 0;
	for (const spec of artifacts.weightSpecs) {
		const size = spec.shape.reduce((a, b) => a * b, 1);
		if (offset + size * 4 > artifacts.weightData.byteLength) fail(`The stored weights end before "${spec.name}".`);
		table.set(spec.name, new Float32Array(artifacts.weightData.slice(offset, offset + size * 4)));
		offset += size * 4;
	}
	const take = (name: string, size: number): Float32Array => {
		const w = table.get(name) ?? fail(`The stored network has no weight "${name}".`);
		return w.length === size ? w : fail(`The stored weight "${name}" has ${w.length} values, not ${size}.`);
	};
	const vocabulary = [...(tokenizer.vocabulary as string[])];
	const dim = config.embeddingDim as number;
	const hidden = config.hidden as number;
	const classes = config.classes as number;
	const embedding = take('embedding', vocabulary.length * dim);
	const common = {
		rules: rulesOf(tokenizer.options),
		vocabulary,
		maxLength: config.maxLength as number,
		dim,
		embedding: weightTensor(embedding, dim, weights)
	};
	const layers: DenseSpec[] = [];
	if (config.family === 'cnn') {
		const filters = config.filters as number;
		const sizes = config.kernelSizes as number[];
		const convs = sizes.map((k) => {
			const kernel = take(`conv${k}/w`, k * dim * filters);
			return { k, filters, kernel: weightTensor(kernel, filters, weights), bias: take(`conv${k}/b`, filters) };
		});
		const width = filters * sizes.length;
		layers.push(dense(width, classes, take('head/w', width * classes), take('head/b', classes), 'linear', weights));
		return { front: { kind: 'cnn', ...common, convs }, head: { inputSize: width, outputSize: classes, layers } };
	}
	if (config.family === 'rnn') {
		const cell = config.cell === 'gru' ? 'gru' : 'lstm';
		const units = config.units as number;
		const g = (cell === 'lstm' ? 4 : 3) * units;
		const tensor = (values: Float32Array): WeightTensor => weightTensor(values, g, weights);
		const directions = (config.bidirectional ? ['fw', 'bw'] : ['fw']).map((dir) => ({
			w: tensor(take(`${dir}/w`, dim * g)),
			u: tensor(take(`${dir}/u`, units * g)),
			b: take(`${dir}/b`, g),
			...(cell === 'gru' ? { bu: take(`${dir}/bu`, g) } : {})
		}));
		const width = units * directions.length;
		layers.push(dense(width, classes, take('head/w', width * classes), take('head/b', classes), 'linear', weights));
		return { front: { kind: 'rnn', ...common, cell, units, directions }, head: { inputSize: width, outputSize: classes, layers } };
	}
	const front: TextFront = { kind: 'embedding-bag', ...common };
	let width = dim;
	if (hidden > 0) {
		layers.push(dense(dim, hidden, take('hidden/w', dim * hidden), take('hidden/b', hidden), 'relu', weights));
		width = hidden;
	}
	layers.push(dense(width, classes, take('head/w', width * classes), take('head/b', classes), 'linear', weights));
	return { front, head: { inputSize: dim, outputSize: classes, layers } };
}
