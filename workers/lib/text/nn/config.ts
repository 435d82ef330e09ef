import { KilnError } from '$shared/errors';

/**
 * Neural text models: one token-id sequence in, class logits out — per text ('sequence') or per
 * token ('token', for tagging). All families share the embedding (random, or pretrained rows;
 * frozen or fine-tuned) and the padding convention: id 0 is [PAD] and is masked everywhere.
 */
export type TextTask = 'sequence' | 'token';

interface Common {
	task: TextTask;
	vocabularySize: number;
	classes: number;
	/** Tokens read per text; longer texts are cut, shorter ones padded. */
	maxLength: number;
	embeddingDim: number;
	/** false keeps the embedding as initialised (useful with pretrained vectors and little data). */
	trainEmbedding: boolean;
	dropout: number;
	seed: number;
}

export type TextModelConfig =
	/** Masked mean of the token embeddings (fastText-like), then a hidden layer. */
	| (Common & { family: 'embedding-bag'; hidden: number })
	/** 1-D convolutions of several widths, ReLU, masked max over time (Kim, 2014). */
	| (Common & { family: 'cnn'; filters: number; kernelSizes: number[] })
	| (Common & { family: 'rnn'; cell: 'lstm' | 'gru'; units: number; bidirectional: boolean })
	/** Pre-norm transformer encoder with learned positions and multi-head self-attention. */
	| (Common & { family: 'transformer'; layers: number; heads: number; ffDim: number });

export type TextFamily = TextModelConfig['family'];

function check(ok: boolean, message: string): void {
	if (!ok) throw new KilnError('ValidationError', message);
}
const whole = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;

/** Refuses settings that would fail later or cannot train, with the field and the allowed range. */
export function validateTextModelConfig(c: TextModelConfig): void {
	check(c.task === 'sequence' || c.task === 'token', `task must be "sequence" or "token" (got "${c.task}").`);
	check(whole(c.vocabularySize, 3, 500_000), `The vocabulary size must be a whole number from 3 to 500,000 (got ${c.vocabularySize}).`);
	check(whole(c.classes, 2, 10_000), `A classifier needs at least 2 classes (got ${c.classes}).`);
	check(whole(c.maxLength, 1, 4096), `The maximum length must be a whole number of tokens from 1 to 4,096 (got ${c.maxLength}).`);
	check(whole(c.embeddingDim, 1, 2048), `The embedding size must be a whole number from 1 to 2,048 (got ${c.embeddingDim}).`);
	check(c.dropout >= 0 && c.dropout < 1, `Dropout must be at least 0 and below 1 (got ${c.dropout}).`);
	check(Number.isInteger(c.seed), `The seed must be a whole number (got ${c.seed}).`);
	switch (c.family) {
		case 'embedding-bag':
			check(whole(c.hidden, 0, 4096), `The hidden layer must have 0 to 4,096 units (got ${c.hidden}).`);
			break;
		case 'cnn':
			check(whole(c.filters, 1, 4096), `The number of filters must be from 1 to 4,096 (got ${c.filters}).`);
			check(c.kernelSizes.length > 0 && c.kernelSizes.every((k) => whole(k, 1, 64) && (c.task === 'sequence' || k % 2 === 1)), c.task === 'token' ? 'Kernel sizes for tagging must be odd whole numbers from 1 to 63, so each token sits in the middle of its window.' : 'Kernel sizes must be whole numbers from 1 to 64.');
			break;
		case 'rnn':
			check(c.cell === 'lstm' || c.cell === 'gru', `The cell must be "lstm" or "gru" (got "${c.cell}").`);
			check(whole(c.units, 1, 2048), `The number of units must be from 1 to 2,048 (got ${c.units}).`);
			break;
		case 'transformer':
			check(whole(c.layers, 1, 12), `A transformer needs 1 to 12 layers (got ${c.layers}).`);
			check(whole(c.heads, 1, 64) && c.embeddingDim % c.heads === 0, `The embedding size (${c.embeddingDim}) must be a multiple of the number of heads (${c.heads}).`);
			check(whole(c.ffDim, 1, 16_384), `The feed-forward size must be from 1 to 16,384 (got ${c.ffDim}).`);
			break;
		default:
			throw new KilnError('ValidationError', `Unknown text model family "${(c as { family: string }).family}".`);
	}
}
