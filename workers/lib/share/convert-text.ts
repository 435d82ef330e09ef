import type { ModelArtifacts } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { weightTensor, type WeightFormat } from './convert';
import type { BpeRules, TextFront, WordRules } from './media-types';
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

/** BPE options as the front's rules: punctuation and numbers do not apply to sub-words. */
function bpeRules(value: unknown): WordRules {
	const o = obj(value, 'tokeniser rules');
	return { form: o.form as WordRules['form'], lowercase: o.lowercase as boolean, punctuation: 'keep', numbers: 'keep', maxChars: o.maxChars as number };
}

/** Merges as vocabulary id pairs (each half of a merge is a vocabulary entry, as fitTokenizer builds it). */
function bpeOf(tokenizer: Json, vocabulary: string[]): BpeRules {
	const index = new Map(vocabulary.map((t, i) => [t, i]));
	const merges = tokenizer.merges as [string, string][];
	const ids = new Int32Array(merges.length * 2);
	merges.forEach(([a, b], i) => {
		ids[2 * i] = index.get(a) ?? fail(`The BPE merge "${a}" + "${b}" names a symbol outside the vocabulary.`);
		ids[2 * i + 1] = index.get(b) ?? fail(`The BPE merge "${a}" + "${b}" names a symbol outside the vocabulary.`);
	});
	const options = obj(tokenizer.options, 'tokeniser rules');
	return { fallback: options.fallback === 'unk' ? 'unk' : 'bytes', merges: ids };
}

function dense(inputs: number, units: number, kernel: Float32Array, bias: Float32Array, activation: DenseSpec['activation'], weights: WeightFormat): DenseSpec {
	const tensor: WeightTensor = weightTensor(kernel, units, weights);
	return { type: 'dense', inputs, units, kernel: tensor, bias, activation };
}

/**
 * A stored text run (workers/lib/text/text-run.ts: TF-IDF + logistic / naive Bayes, or a neural
 * classifier or tagger) → the text front and dense head of a share link. Networks: embedding-bag,
 * 1-D CNN, LSTM/GRU and transformer, on the word or the BPE tokeniser; a tagger's front hands the
 * head one vector per token.
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
	if (config.task !== 'sequence' && config.task !== 'token') fail(`The stored network has an unknown task "${String(config.task)}".`);
	if (!['embedding-bag', 'cnn', 'rnn', 'transformer'].includes(config.family as string)) fail(`Share links carry the embedding-bag, 1-D CNN, LSTM/GRU and transformer text networks (and TF-IDF models); this run is a ${String(config.family)} network.`);
	if (tokenizer.kind !== 'word' && tokenizer.kind !== 'bpe') fail(`The stored run has an unknown tokeniser "${String(tokenizer.kind)}".`);
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
		rules: tokenizer.kind === 'bpe' ? bpeRules(tokenizer.options) : rulesOf(tokenizer.options),
		vocabulary,
		maxLength: config.maxLength as number,
		dim,
		embedding: weightTensor(embedding, dim, weights),
		...(tokenizer.kind === 'bpe' ? { bpe: bpeOf(tokenizer, vocabulary) } : {}),
		...(config.task === 'token' ? { task: 'token' as const } : {})
	};
	const layers: DenseSpec[] = [];
	if (config.family === 'transformer') {
		const heads = config.heads as number;
		const ffDim = config.ffDim as number;
		const linear = (name: string, inputs: number, units: number) => ({ w: weightTensor(take(`${name}/w`, inputs * units), units, weights), b: take(`${name}/b`, units) });
		const norm = (name: string) => ({ gamma: take(`${name}/gamma`, dim), beta: take(`${name}/beta`, dim) });
		const blocks = Array.from({ length: config.layers as number }, (_, l) => ({
			ln1: norm(`layer${l}/ln1`),
			attention: ['q', 'k', 'v', 'o'].map((m) => linear(`layer${l}/attn/${m}`, dim, dim)),
			ln2: norm(`layer${l}/ln2`),
			ff1: linear(`layer${l}/ff1`, dim, ffDim),
			ff2: linear(`layer${l}/ff2`, ffDim, dim)
		}));
		const position = weightTensor(take('position', common.maxLength * dim), dim, weights);
		layers.push(dense(dim, classes, take('head/w', dim * classes), take('head/b', classes), 'linear', weights));
		return { front: { kind: 'transformer', ...common, heads, ffDim, position, blocks, final: norm('final') }, head: { inputSize: dim, outputSize: classes, layers } };
	}
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
