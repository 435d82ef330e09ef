import type { ClassificationMetrics, ModelArtifacts } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { classificationMetrics } from '$workers/lib/metrics';
import { checkSplit, threeWaySplit } from '$workers/lib/split';
import { encodeLabels } from '../labels';
import { describeIssues } from '../normalise';
import { createTokenizer, extendVocabulary, fitTokenizer, fitWordsTokenizer, type TokenizerSpec, type TokenizerState } from '../tokenizer';
import { embeddingMatrix, type WordVectors } from '../word-vectors';
import { argmaxRows, argmaxTokens } from './argmax';
import type { TextModelConfig } from './config';
import { encodeTagged, encodeTexts, type TaggedSentence } from './sequences';
import { serialiseTextModel } from './serialise';
import { TextModel } from './text-model';
import { trainTextModel, type TextTrainConfig, type TextTrainOptions, type TextTrainResult } from './train-text';

/** The model settings a person picks; vocabulary size, classes, task and seed are filled in. */
export type TextModelChoice = DistributiveOmit<TextModelConfig, 'vocabularySize' | 'classes' | 'task' | 'maxLength' | 'seed'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface TextRunConfig {
	tokenizer: TokenizerSpec;
	maxLength: number;
	model: TextModelChoice;
	/** Start the embedding from the shipped word vectors (word tokeniser, embeddingDim = their size). */
	pretrained: boolean;
	train: TextTrainConfig;
	holdoutFraction: number;
	validationFraction: number;
}

export interface TextRunResult extends Omit<TextTrainResult, 'trainingMs'> {
	tokenizer: TokenizerState;
	model: ModelArtifacts;
	classes: string[];
	/** Scored once on the holdout with the kept (best) weights; per text or per tagged token. */
	metrics: ClassificationMetrics;
	trainRows: number;
	validationRows: number;
	holdoutRows: number;
	/** Rows without a label, left out. */
	droppedRows: number;
	/** Notes about the data (empty texts, cut texts, unknown tokens) and the vectors' coverage. */
	warnings: string[];
	trainingMs: number;
}

type RunOptions = TextTrainOptions & { vectors?: WordVectors };

function embeddingFor(config: TextRunConfig, vocabulary: readonly string[], vectors: WordVectors | undefined, warnings: string[]): Float32Array | undefined {
	if (!config.pretrained) return undefined;
	if (!vectors) throw new KilnError('TrainingError', 'Pretrained vectors were asked for, but none were loaded.');
	if (config.model.embeddingDim !== vectors.dimensions) throw new KilnError('ValidationError', `The word vectors have ${vectors.dimensions} dimensions; set the embedding size to ${vectors.dimensions} to use them.`);
	const init = embeddingMatrix(vectors, vocabulary, config.train.seed);
	const share = init.covered / Math.max(1, vocabulary.length - 2);
	warnings.push(`${init.covered.toLocaleString('en-US')} of ${(vocabulary.length - 2).toLocaleString('en-US')} vocabulary entries (${(100 * share).toFixed(0)} %) start from a pretrained vector${share < 0.5 ? '; subword or non-English tokens mostly have none' : ''}.`);
	return init.matrix;
}

async function finish(model: TextModel, holdoutTruth: Int32Array, holdoutPredicted: Int32Array, classes: string[], base: Omit<TextRunResult, 'model' | 'metrics'>): Promise<TextRunResult> {
	return { ...base, model: await serialiseTextModel(model), metrics: classificationMetrics(holdoutTruth, holdoutPredicted, classes) };
}

/** Texts + labels → a trained text classifier: seeded stratified split, tokeniser fitted on training rows only. */
export async function trainTextClassifier(texts: ArrayLike<string | null | undefined>, labels: ArrayLike<string | null | undefined>, config: TextRunConfig, options: RunOptions = {}): Promise<TextRunResult> {
	if (texts.length !== labels.length) throw new KilnError('TrainingError', `There are ${texts.length} texts but ${labels.length} labels.`);
	const { classes, y, rows, unlabelled } = encodeLabels(labels);
	const split = threeWaySplit(rows, config.holdoutFraction, config.validationFraction, config.train.seed, y);
	checkSplit(split, config.train.patience > 0);
	const fitted = fitTokenizer(config.tokenizer, Array.from(split.train, (r) => texts[r]));
	// With pretrained vectors, their words join the vocabulary: a word never seen in training still
	// has a meaningful vector (and no [UNK]), which is most of what pretraining buys on small data.
	const tokenizer = config.pretrained && options.vectors && fitted.kind === 'word' ? extendVocabulary(fitted, options.vectors.words, fitted.vocabulary.length + options.vectors.words.length) : fitted;
	const encoded = encodeTexts(createTokenizer(tokenizer), texts, config.maxLength);
	const warnings = describeIssues(encoded.issues, config.tokenizer.options.maxChars, config.maxLength);
	const labelOf = new Int32Array(texts.length).fill(-1);
	rows.forEach((r, i) => (labelOf[r] = y[i]));
	const modelConfig = { ...config.model, task: 'sequence', vocabularySize: tokenizer.vocabulary.length, classes: classes.length, maxLength: config.maxLength, seed: config.train.seed } as TextModelConfig;
	const model = new TextModel(modelConfig, embeddingFor(config, tokenizer.vocabulary, options.vectors, warnings));
	try {
		const result = await trainTextModel(model, { ids: encoded.ids, maxLength: config.maxLength, labels: labelOf, train: split.train, validation: split.validation }, config.train, options);
		const predicted = await argmaxRows(model, encoded.ids, split.holdout, config.maxLength);
		const truth = Int32Array.from(split.holdout, (r) => labelOf[r]);
		return await finish(model, truth, predicted, classes, { ...result, tokenizer, classes, trainRows: split.train.length, validationRows: split.validation.length, holdoutRows: split.holdout.length, droppedRows: unlabelled, warnings });
	} finally {
		model.dispose();
	}
}

/** Tagged sentences → a trained tagger; the metrics count held-out tokens. Needs a word tokeniser. */
export async function trainTagger(sentences: readonly TaggedSentence[], tags: readonly string[], config: TextRunConfig, options: RunOptions = {}): Promise<TextRunResult> {
	if (config.tokenizer.kind !== 'word') throw new KilnError('ValidationError', 'A tagger reads whole tokens: choose the word tokeniser.');
	if (tags.length < 2) throw new KilnError('TrainingError', `A tagger needs at least two tags (got ${tags.length}).`);
	const all = Int32Array.from(sentences.keys());
	const split = threeWaySplit(all, config.holdoutFraction, config.validationFraction, config.train.seed);
	checkSplit(split, config.train.patience > 0);
	const words = Array.from(split.train).flatMap((i) => sentences[i].tokens);
	const tokenizer = fitWordsTokenizer(config.tokenizer, words, config.pretrained && options.vectors ? options.vectors.words : []);
	const encoded = encodeTagged(tokenizer, sentences, tags, config.maxLength);
	const warnings = describeIssues(encoded.issues, config.tokenizer.options.maxChars, config.maxLength);
	const modelConfig = { ...config.model, task: 'token', vocabularySize: tokenizer.vocabulary.length, classes: tags.length, maxLength: config.maxLength, seed: config.train.seed } as TextModelConfig;
	const model = new TextModel(modelConfig, embeddingFor(config, tokenizer.vocabulary, options.vectors, warnings));
	try {
		const result = await trainTextModel(model, { ids: encoded.ids, maxLength: config.maxLength, labels: encoded.labels, train: split.train, validation: split.validation }, config.train, options);
		const { truth, predicted } = await argmaxTokens(model, encoded.ids, encoded.labels, split.holdout, config.maxLength);
		return await finish(model, truth, predicted, [...tags], { ...result, tokenizer, classes: [...tags], trainRows: split.train.length, validationRows: split.validation.length, holdoutRows: split.holdout.length, droppedRows: 0, warnings });
	} finally {
		model.dispose();
	}
}
