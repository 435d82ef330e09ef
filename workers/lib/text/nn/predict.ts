import * as tf from '@tensorflow/tfjs-core';
import { describeIssues, type TextIssues } from '../normalise';
import type { Tokenizer } from '../tokenizer';
import { encodeTexts } from './sequences';
import type { TextModel } from './text-model';

export interface TextModelPredictions {
	/** Row-major [texts × classes] ('sequence') or [texts × maxLength × classes] ('token'). */
	probabilities: Float32Array;
	/** Most probable class per text, or per token position (−1 at padding) for taggers. */
	predicted: Int32Array;
	/** The token strings each text was read as (cut at maxLength), for per-token views. */
	tokens: string[][];
	issues: TextIssues;
	/** Sentences for the person: empty texts, cut texts, unknown tokens, bad bytes. */
	warnings: string[];
}

/**
 * Predicts raw texts with the tokeniser the model was trained with (replayed from its stored
 * state). Unknown tokens become [UNK] and are counted in the warnings.
 */
export async function predictTextModel(model: TextModel, tokenizer: Tokenizer, texts: ArrayLike<string | null | undefined>, batchSize = 128): Promise<TextModelPredictions> {
	const c = model.config;
	const t = c.maxLength;
	const k = c.classes;
	const encoded = encodeTexts(tokenizer, texts, t);
	const perText = c.task === 'token' ? t * k : k;
	const probabilities = new Float32Array(encoded.count * perText);
	for (let start = 0; start < encoded.count; start += batchSize) {
		const n = Math.min(batchSize, encoded.count - start);
		const p = tf.tidy(() => tf.softmax(model.forward(tf.tensor2d(encoded.ids.subarray(start * t, (start + n) * t), [n, t], 'int32'), { training: false }).logits));
		probabilities.set((await p.data()) as Float32Array, start * perText);
		p.dispose();
	}
	const positions = c.task === 'token' ? encoded.count * t : encoded.count;
	const predicted = new Int32Array(positions);
	for (let i = 0; i < positions; i++) {
		if (c.task === 'token' && encoded.ids[i] === 0) {
			predicted[i] = -1;
			continue;
		}
		let best = 0;
		for (let j = 1; j < k; j++) if (probabilities[i * k + j] > probabilities[i * k + best]) best = j;
		predicted[i] = best;
	}
	const tokens = Array.from({ length: encoded.count }, (_, i) => tokenizer.encode(texts[i]).tokens.slice(0, t));
	return { probabilities, predicted, tokens, issues: encoded.issues, warnings: describeIssues(encoded.issues, tokenizer.state.options.maxChars, t) };
}
