import { validateTextModelConfig, type TextModelConfig } from '$workers/lib/text/nn/config';
import type { TextModelSettings, TextNeuralFamily, TrainConfig } from '$workers/protocol';

/** The text training form: its fields as typed text, defaults per family, and inline checks. */
export type TextFamilyChoice = 'tfidf' | TextNeuralFamily;

export const FAMILIES: { value: TextFamilyChoice; label: string; help: string }[] = [
	{ value: 'tfidf', label: 'TF-IDF + linear', help: 'Word and n-gram weights with logistic regression or naive Bayes: seconds to train, a strong baseline, readable weights.' },
	{ value: 'embedding-bag', label: 'Embedding bag', help: 'The mean of learned word vectors, then a hidden layer (fastText-like): fast, ignores word order.' },
	{ value: 'cnn', label: '1-D CNN', help: 'Convolutions over 3–5-word windows, max over the text (Kim, 2014): catches short phrases.' },
	{ value: 'rnn', label: 'LSTM / GRU', help: 'A recurrent network reads the words in order: slower, sees order and negation.' },
	{ value: 'transformer', label: 'Transformer', help: 'A small encoder with self-attention and learned positions, trained from scratch: needs more data and epochs.' }
];

export type TextFields = Record<
	| 'family' | 'classifier' | 'ngrams' | 'maxFeatures' | 'minDf' | 'sublinear'
	| 'tokenizer' | 'vocabularySize' | 'maxLength' | 'embeddingDim' | 'width' | 'dropout' | 'kernelSizes' | 'cell' | 'bidirectional' | 'layers' | 'heads'
	| 'epochs' | 'learningRate' | 'batchSize' | 'patience' | 'seed' | 'holdoutFraction' | 'validationFraction' | 'vectors',
	string
>;
export type TextField = keyof TextFields;
export type TextProblems = Partial<Record<TextField, string>>;

/** The shipped GloVe vectors' size: a pretrained embedding must have it. */
export const VECTOR_DIMENSIONS = 100;
export const VECTOR_CHOICES = [
	{ value: 'random', label: 'Random (learned from these texts)' },
	{ value: 'frozen', label: 'Shipped GloVe vectors, frozen' },
	{ value: 'fine-tune', label: 'Shipped GloVe vectors, fine-tuned' }
] as const;

const COMMON = { classifier: 'logistic', ngrams: '2', maxFeatures: '20000', minDf: '1', sublinear: 'true', tokenizer: 'word', vocabularySize: '8000', maxLength: '48', embeddingDim: '64', dropout: '0.2', kernelSizes: '3, 4, 5', cell: 'lstm', bidirectional: 'false', layers: '2', heads: '4', batchSize: '32', patience: '3', seed: '42', holdoutFraction: '0.2', validationFraction: '0.15', vectors: 'random' };
const BY_FAMILY: Record<TextFamilyChoice, Partial<TextFields>> = {
	tfidf: { epochs: '1', learningRate: '0.01', width: '32' },
	'embedding-bag': { epochs: '12', learningRate: '0.01', width: '32' },
	cnn: { epochs: '8', learningRate: '0.003', width: '64' },
	rnn: { epochs: '8', learningRate: '0.005', width: '32' },
	transformer: { epochs: '12', learningRate: '0.001', width: '128' }
};

export function defaultFields(family: TextFamilyChoice = 'tfidf'): TextFields {
	return { ...COMMON, ...BY_FAMILY[family], family } as TextFields;
}

/**
 * A tagger's defaults: a CNN over each word's 3-word window on the shipped GloVe vectors, frozen,
 * with every vector's word in the vocabulary (so most words unseen in training still have one).
 * On the shipped Brown sample these reach 0.92 held-out token accuracy (docs/decisions.md,
 * bench/text/pos-tagger.run.ts); the recurrent and transformer taggers are slower and no better there.
 */
export function taggerFields(): TextFields {
	return { ...defaultFields('cnn'), kernelSizes: '3', width: '128', embeddingDim: String(VECTOR_DIMENSIONS), vectors: 'frozen', vocabularySize: '30000', maxLength: '40', dropout: '0.2', epochs: '6', learningRate: '0.005', patience: '2', holdoutFraction: '0.1', validationFraction: '0.1' };
}

/** Switching family takes that family's sensible width, epochs and learning rate; the rest stays. */
export function switchFamily(fields: TextFields, family: TextFamilyChoice): TextFields {
	return { ...fields, ...BY_FAMILY[family], family };
}

/** Back from a stored config (a resumed or repeated run) to the form's fields. */
export function fieldsFromConfig(config: TrainConfig): TextFields | null {
	if (!config.text) return null;
	const m = config.text.model;
	const base = defaultFields(m.family);
	const model = m.family === 'tfidf' ? { ...m, sublinear: String(m.sublinear) } : { ...m, kernelSizes: m.kernelSizes.join(', '), bidirectional: String(m.bidirectional), pretrained: undefined, vectors: m.pretrained ? (m.pretrained.fineTune ? 'fine-tune' : 'frozen') : 'random' };
	const text = Object.fromEntries(Object.entries(model).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
	return { ...base, ...text, epochs: String(config.epochs), learningRate: String(config.learningRate), batchSize: String(config.batchSize), patience: String(config.patience), seed: String(config.seed), holdoutFraction: String(config.holdoutFraction), validationFraction: String(config.validationFraction) } as TextFields;
}

export interface ParsedText {
	config: Omit<TrainConfig, 'target' | 'task'> | null;
	problems: TextProblems;
}

/** Every field checked, each problem said beside its field; a config only when there are none. */
export function parseTextFields(f: TextFields, column: string, vectorsUrl = ''): ParsedText {
	const problems: TextProblems = {};
	const number = (field: TextField, min: number, max: number, whole: boolean, hint: string): number => {
		const v = Number(f[field].trim());
		if (f[field].trim() === '' || !Number.isFinite(v) || v < min || v > max || (whole && !Number.isInteger(v))) problems[field] = hint;
		return v;
	};
	const family = f.family as TextFamilyChoice;
	const holdoutFraction = number('holdoutFraction', 0.05, 0.5, false, 'A share from 0.05 to 0.5 of the labelled texts.');
	const seed = number('seed', 0, 2 ** 31 - 1, true, 'A whole number from 0.');
	let model: TextModelSettings;
	let train = { epochs: 1, learningRate: 0.01, batchSize: 32, patience: 0, validationFraction: 0 };
	if (family === 'tfidf') {
		model = {
			family,
			classifier: f.classifier === 'naive-bayes' ? 'naive-bayes' : 'logistic',
			ngrams: number('ngrams', 1, 3, true, 'Words alone (1), with pairs (2) or with triples (3).'),
			maxFeatures: number('maxFeatures', 10, 200_000, true, 'A whole number of terms from 10 to 200,000.'),
			minDf: number('minDf', 1, 1000, true, 'A whole number of texts from 1 (keep every term).'),
			sublinear: f.sublinear === 'true'
		};
	} else {
		const kernelSizes = f.kernelSizes.split(',').map((k) => Number(k.trim()));
		if (family === 'cnn' && (kernelSizes.length === 0 || kernelSizes.length > 6 || kernelSizes.some((k) => !Number.isInteger(k) || k < 1 || k > 16))) problems.kernelSizes = 'One to six whole widths from 1 to 16, separated by commas, e.g. “3, 4, 5”.';
		model = {
			family,
			tokenizer: f.tokenizer === 'bpe' ? 'bpe' : 'word',
			vocabularySize: number('vocabularySize', f.tokenizer === 'bpe' ? 300 : 100, 100_000, true, f.tokenizer === 'bpe' ? 'From 300 (bytes and merges) to 100,000 pieces.' : 'From 100 to 100,000 words.'),
			maxLength: number('maxLength', 4, 512, true, 'Tokens per text, from 4 to 512; longer texts are cut.'),
			embeddingDim: number('embeddingDim', 4, 512, true, 'A whole number from 4 to 512.'),
			width: number('width', 1, family === 'transformer' ? 2048 : 1024, true, family === 'transformer' ? 'Feed-forward size, 1 to 2,048.' : 'A whole number of units from 1 to 1,024.'),
			dropout: number('dropout', 0, 0.9, false, 'A share from 0 to 0.9.'),
			kernelSizes: problems.kernelSizes ? [3] : kernelSizes,
			cell: f.cell === 'gru' ? 'gru' : 'lstm',
			bidirectional: f.bidirectional === 'true',
			layers: number('layers', 1, 6, true, 'From 1 to 6 encoder layers.'),
			heads: number('heads', 1, 16, true, 'From 1 to 16 heads.')
		};
		if (f.vectors === 'frozen' || f.vectors === 'fine-tune') {
			model.pretrained = { url: vectorsUrl, fineTune: f.vectors === 'fine-tune' };
			if (model.tokenizer !== 'word') problems.vectors = 'The shipped vectors are for whole words: choose the word tokeniser.';
			else if (!problems.embeddingDim && model.embeddingDim !== VECTOR_DIMENSIONS) problems.embeddingDim = `The shipped vectors have ${VECTOR_DIMENSIONS} numbers per word: set the embedding size to ${VECTOR_DIMENSIONS}.`;
		}
		if (family === 'transformer' && !problems.heads && !problems.embeddingDim && model.embeddingDim % model.heads !== 0) problems.heads = `The embedding size (${model.embeddingDim}) must be a multiple of the number of heads.`;
		train = {
			epochs: number('epochs', 1, 500, true, 'A whole number of passes from 1 to 500.'),
			learningRate: number('learningRate', 1e-5, 1, false, 'From 0.00001 to 1; 0.001–0.01 suits Adam.'),
			batchSize: number('batchSize', 1, 1024, true, 'A whole number of texts from 1 to 1,024.'),
			patience: number('patience', 0, 100, true, 'Epochs without improvement before stopping; 0 turns it off.'),
			validationFraction: number('validationFraction', 0, 0.5, false, 'A share from 0 to 0.5; early stopping needs some.')
		};
		if (train.patience > 0 && train.validationFraction === 0 && !problems.validationFraction) problems.validationFraction = 'Early stopping needs validation texts: set a share above 0, or patience to 0.';
		if (Object.keys(problems).length === 0) {
			// Whatever the fields missed, the library's own check names it.
			const probe = neuralProbe(model);
			try {
				validateTextModelConfig(probe);
			} catch (e) {
				problems.family = e instanceof Error ? e.message : String(e);
			}
		}
	}
	if (Object.keys(problems).length > 0) return { config: null, problems };
	return {
		config: { features: [column], model: 'linear', hiddenLayers: [], l2: 0, seed, holdoutFraction, ...train, text: { column, model } },
		problems
	};
}

function neuralProbe(m: Exclude<TextModelSettings, { family: 'tfidf' }>): TextModelConfig {
	const common = { task: 'sequence' as const, vocabularySize: m.vocabularySize, classes: 2, maxLength: m.maxLength, embeddingDim: m.embeddingDim, trainEmbedding: true, dropout: m.dropout, seed: 0 };
	if (m.family === 'embedding-bag') return { ...common, family: m.family, hidden: m.width };
	if (m.family === 'cnn') return { ...common, family: m.family, filters: m.width, kernelSizes: m.kernelSizes };
	if (m.family === 'rnn') return { ...common, family: m.family, cell: m.cell, units: m.width, bidirectional: m.bidirectional };
	return { ...common, family: m.family, layers: m.layers, heads: m.heads, ffDim: m.width };
}
