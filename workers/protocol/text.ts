import type { FilePrediction, TrainRequest } from './api';
import type { JobEvent, TrainResult } from './training';
import type { TextProfile } from '$workers/lib/text/profile';
import type { ImageFileEntry, SkippedFile } from './vision';

/** Text classification in the studio: run settings, the text profile and typed-text predictions. */

/** TF-IDF features and a linear classifier (logistic regression by L-BFGS, or multinomial naive Bayes). */
export interface TextTfidfSettings {
	family: 'tfidf';
	classifier: 'logistic' | 'naive-bayes';
	/** Word n-grams 1..ngrams. */
	ngrams: number;
	maxFeatures: number;
	/** Terms in fewer texts than this are dropped. */
	minDf: number;
	/** 1 + log(tf) instead of raw counts. */
	sublinear: boolean;
}

export type TextNeuralFamily = 'embedding-bag' | 'cnn' | 'rnn' | 'transformer';

/** A neural text classifier; `width` means hidden units, filters, recurrent units or feed-forward size by family. */
export interface TextNeuralSettings {
	family: TextNeuralFamily;
	tokenizer: 'word' | 'bpe';
	/** Largest word vocabulary, or the BPE vocabulary size. */
	vocabularySize: number;
	/** Tokens read per text: longer texts are cut, shorter ones padded. */
	maxLength: number;
	embeddingDim: number;
	width: number;
	dropout: number;
	/** CNN kernel widths. */
	kernelSizes: number[];
	cell: 'lstm' | 'gru';
	bidirectional: boolean;
	/** Transformer encoder layers and attention heads. */
	layers: number;
	heads: number;
	/**
	 * Start the embedding from the shipped GloVe vectors (word tokeniser, embedding size 100);
	 * `url` is the folder the worker fetches glove-100d-20k.{json,bin} from; frozen unless fineTune.
	 */
	pretrained?: { url: string; fineTune: boolean };
}

export type TextModelSettings = TextTfidfSettings | TextNeuralSettings;

/** Carried by `TrainConfig.text`: the run trains on this text column instead of the table's features. */
export interface TextTrainSettings {
	column: string;
	model: TextModelSettings;
	/** A token tagger on a tagged corpus (one row per token): `column` holds the tokens, the target the tags. */
	tagging?: { sentence: string };
}

/** What the Data section shows about a text column (see workers/lib/text/profile.ts). */
export type TextColumnProfile = TextProfile & { column: string; labelColumn?: string };

/** One typed text's prediction with a contribution per word (positive: towards the predicted class). */
export interface TextPrediction {
	classes: string[];
	probabilities: number[];
	predicted: string;
	tokens: { token: string; weight: number }[];
	/** How the weights were computed, in a sentence. */
	method: string;
	warnings: string[];
	/** A tagger's answer: one tag per token read (with its probability); classes are the tags. */
	tags?: { token: string; tag: string; probability: number }[];
}

export interface TextDataApi {
	profileTextColumn(datasetId: string, column: string, labelColumn?: string): Promise<TextColumnProfile>;
	/** Store a copy of the dataset with e-mails and phone numbers in `column` replaced; it becomes the project's dataset. */
	maskTextColumn(datasetId: string, column: string): Promise<{ datasetId: string; masked: number }>;
	/** Store a CoNLL file as the project's dataset (sentence, token, tag per row), tags as the target. */
	importConll(projectId: string, file: Blob, fileName: string): Promise<{ datasetId: string; sentences: number; tokens: number; tags: number }>;
	/** Class folders of .txt files (or a .zip of them) → a text + label dataset, made the project's dataset. */
	importTextFolder(request: TextFolderImportRequest, onProgress?: (p: { done: number; total: number }) => void): Promise<TextFolderImportSummary>;
}

export interface TextFolderImportRequest {
	projectId: string;
	/** The dataset's name as shown. */
	name: string;
	/** Loose files with their paths below the chosen folder, or .zip files of class folders. */
	files: ImageFileEntry[];
}

export interface TextFolderImportSummary {
	datasetId: string;
	imported: number;
	classes: string[];
	counts: number[];
	skipped: SkippedFile[];
	/** Files read per encoding. */
	encodings: Record<string, number>;
}

export interface TextMlApi {
	trainText(request: TrainRequest, onEvent: (event: JobEvent) => void): Promise<TrainResult>;
	predictText(modelId: string, text: string): Promise<TextPrediction>;
	/** A file with the model's text column → its rows with the predicted class and probabilities. */
	predictTextFile(modelId: string, file: Blob, fileName: string): Promise<FilePrediction>;
}

/** Top words of one class in a text run's evaluation (the score's meaning is in `topWordsMethod`). */
export interface TextClassWords {
	className: string;
	words: { word: string; score: number }[];
}

/** A holdout text the model got wrong, with the probability it gave its (wrong) prediction. */
export interface TextMistake {
	/** 1-based row in the dataset. */
	row: number;
	text: string;
	truth: string;
	predicted: string;
	confidence: number;
}

/** What a text run's evaluation adds to the common suite. */
export interface TextEvaluationExtras {
	column: string;
	topWords: TextClassWords[];
	topWordsMethod: string;
	mistakes: TextMistake[];
}
