import type { WeightTensor } from './types';

/**
 * The "front" of an image or text model in a share link: what turns an image or a typed text
 * into the feature vector the dense head (an ordinary ModelDescription) reads. Splitting it
 * this way keeps the dense runtime, its checks and its int8 path unchanged for every kind.
 */

export type ConvActivation = 'linear' | 'relu' | 'relu6' | 'elu' | 'tanh' | 'sigmoid';
export type ConvPadding = 'same' | 'valid';

/** Kernel [kh × kw × inChannels × filters] row-major (tfjs's layout); int8 scales per filter. */
export interface ConvSpec {
	type: 'conv';
	kh: number;
	kw: number;
	filters: number;
	sh: number;
	sw: number;
	padding: ConvPadding;
	activation: ConvActivation;
	kernel: WeightTensor;
	bias?: Float32Array;
}

/** Kernel [kh × kw × inChannels × multiplier]; output channel c·multiplier + m, as tfjs. */
export interface DepthwiseSpec {
	type: 'depthwise';
	kh: number;
	kw: number;
	multiplier: number;
	sh: number;
	sw: number;
	padding: ConvPadding;
	activation: ConvActivation;
	kernel: WeightTensor;
	bias?: Float32Array;
}

export interface PoolSpec {
	type: 'maxPool' | 'avgPool';
	ph: number;
	pw: number;
	sh: number;
	sw: number;
	padding: ConvPadding;
}

/** Per-channel inference batch-norm. */
export interface ChannelNormSpec {
	type: 'batchnorm';
	epsilon: number;
	gamma?: Float32Array;
	beta?: Float32Array;
	mean: Float32Array;
	variance: Float32Array;
}

export type ImageLayer = ConvSpec | DepthwiseSpec | PoolSpec | ChannelNormSpec | { type: 'activation'; activation: ConvActivation } | { type: 'flatten' } | { type: 'globalAvgPool' };

/** Images are uint8 NHWC, scaled to pixel / 255 as Kiln trains on them; the last layer makes a vector. */
export interface ImageFront {
	kind: 'image';
	height: number;
	width: number;
	/** 1 grayscale (luma), 3 RGB. */
	channels: number;
	layers: ImageLayer[];
}

/** Kiln's word tokeniser rules (workers/lib/text/word-tokenizer.ts) as stored with a run. */
export interface WordRules {
	form: 'NFC' | 'NFKC';
	lowercase: boolean;
	punctuation: 'keep' | 'drop';
	numbers: 'keep' | 'normalise';
	maxChars: number;
}

/** TF-IDF as Kiln fits it: terms in column order, smooth idf, l2-normalised rows. */
export interface TfidfFront {
	kind: 'tfidf';
	rules: WordRules;
	ngrams: number;
	sublinear: boolean;
	terms: string[];
	idf: Float32Array;
}

/** Word ids (0 [PAD], 1 [UNK]) → masked mean of the embedding rows over the first maxLength tokens. */
export interface EmbeddingBagFront {
	kind: 'embedding-bag';
	rules: WordRules;
	vocabulary: string[];
	maxLength: number;
	dim: number;
	/** [vocabulary × dim] row-major; int8 scales per dimension. */
	embedding: WeightTensor;
}

/** Kim-style 1-D CNN: padded to maxLength, 'same' convs of several widths, ReLU, max over the real tokens. */
export interface TextCnnFront {
	kind: 'cnn';
	rules: WordRules;
	vocabulary: string[];
	maxLength: number;
	dim: number;
	embedding: WeightTensor;
	/** Kernel [k × dim × filters] row-major (int8 scales per filter), bias [filters]; outputs concatenated in this order. */
	convs: { k: number; filters: number; kernel: WeightTensor; bias: Float32Array }[];
}

/**
 * LSTM or GRU over the real tokens (at most maxLength; padding keeps the state, so it is never
 * read), the last state of each direction concatenated (forward, then backward).
 */
export interface TextRnnFront {
	kind: 'rnn';
	rules: WordRules;
	vocabulary: string[];
	maxLength: number;
	dim: number;
	embedding: WeightTensor;
	cell: 'lstm' | 'gru';
	units: number;
	/** Forward, then backward when bidirectional. Gates: LSTM i, f, c, o; GRU z, r, n (reset after the recurrent product). */
	directions: {
		/** Input kernel [dim × gates·units] row-major, int8 scales per column. */
		w: WeightTensor;
		/** Recurrent kernel [units × gates·units], int8 scales per column. */
		u: WeightTensor;
		b: Float32Array;
		/** GRU: the recurrent bias. */
		bu?: Float32Array;
	}[];
}

/**
 * Kiln's BPE replay (workers/lib/text/bpe.ts, tokenizer.ts) for a network front: the front's
 * `rules` give the Unicode form, lower case and character cap (punctuation and numbers do not
 * apply), then pieces, merges by rank and the byte or [UNK] fallback. Merges travel as pairs of
 * vocabulary ids in rank order (every merge's halves are vocabulary entries).
 */
export interface BpeRules {
	fallback: 'bytes' | 'unk';
	/** [left, right] vocabulary ids per merge, rank order. */
	merges: Int32Array;
}

/**
 * What every network front may add: BPE sub-words instead of the word tokeniser, and `task:
 * 'token'` for a tagger (the head then reads each real token's vector and tags it).
 */
export interface NetworkOptions {
	bpe?: BpeRules;
	task?: 'token';
}

/** One pre-norm encoder block as Kiln trains it (workers/lib/text/nn/text-model.ts). */
export interface TransformerBlock {
	ln1: { gamma: Float32Array; beta: Float32Array };
	/** q, k, v, o: kernel [dim × dim] (int8 scales per column) and bias. */
	attention: { w: WeightTensor; b: Float32Array }[];
	ln2: { gamma: Float32Array; beta: Float32Array };
	/** ff1 [dim × ffDim] with ReLU, ff2 [ffDim × dim]. */
	ff1: { w: WeightTensor; b: Float32Array };
	ff2: { w: WeightTensor; b: Float32Array };
}

/**
 * Embeddings + learned positions, pre-norm blocks of multi-head self-attention over the real
 * tokens (padding is never attended) and a ReLU feed-forward, a final layer norm, then the masked
 * mean over the real tokens (classifier) or each token's vector (tagger).
 */
export interface TextTransformerFront {
	kind: 'transformer';
	rules: WordRules;
	vocabulary: string[];
	maxLength: number;
	dim: number;
	embedding: WeightTensor;
	heads: number;
	ffDim: number;
	/** [maxLength × dim], int8 scales per dimension. */
	position: WeightTensor;
	blocks: TransformerBlock[];
	final: { gamma: Float32Array; beta: Float32Array };
}

export type NetworkFront = (EmbeddingBagFront | TextCnnFront | TextRnnFront | TextTransformerFront) & NetworkOptions;
export type TextFront = TfidfFront | NetworkFront;
export type MediaFront = ImageFront | TextFront;

/** Features of one image or text, and what the person should know about them. */
export interface FrontResult {
	x: Float32Array;
	warnings: string[];
	/** Text fronts: the tokens read, and how many were not in the vocabulary. */
	tokens?: string[];
	unknown?: number;
	/** Taggers: x holds one head input per token read ([rows × width]). */
	rows?: number;
}

/** JSON-safe (base64 tensors) form for the standalone page. */
export type PortableFront = Record<string, unknown> & { kind: MediaFront['kind'] };
