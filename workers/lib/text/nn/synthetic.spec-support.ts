// Seeded synthetic text tasks for the model specs: small enough to train in seconds on tfjs-cpu.
import { createRng } from '$workers/lib/random';
import type { TextTrainData } from './train-text';

export const VOCAB = 30;
export const GOOD = 3;
export const BAD = 4;

/**
 * Sequence task: texts of 3–10 random tokens (ids 5…29) with GOOD or BAD inserted 1–2 times;
 * the class is 1 when GOOD occurs more often than BAD. A bag of words suffices.
 */
export function sentimentTask(count: number, maxLength: number, seed: number): TextTrainData {
	const rng = createRng(seed);
	const ids = new Int32Array(count * maxLength);
	const labels = new Int32Array(count);
	for (let i = 0; i < count; i++) {
		const len = 3 + Math.floor(rng() * Math.min(8, maxLength - 2));
		const row = Array.from({ length: len }, () => 5 + Math.floor(rng() * (VOCAB - 5)));
		const good = rng() < 0.5;
		const marks = 1 + Math.floor(rng() * 2);
		for (let m = 0; m < marks; m++) row[Math.floor(rng() * len)] = good ? GOOD : BAD;
		ids.set(row.slice(0, maxLength), i * maxLength);
		labels[i] = good ? 1 : 0;
	}
	return split(ids, labels, count, maxLength);
}

/**
 * Tagging tasks that need context; −1 at padding. 'previous': tag 1 for tokens right after GOOD,
 * else 2 for ids divisible by 3, else 0. 'sentence': 2 for ids divisible by 3, else 1 when GOOD
 * occurs anywhere in the text, else 0 (attention finds it at any distance without learning positions).
 */
export function taggingTask(count: number, maxLength: number, seed: number, context: 'previous' | 'sentence' = 'previous'): TextTrainData {
	const rng = createRng(seed);
	const ids = new Int32Array(count * maxLength);
	const labels = new Int32Array(count * maxLength).fill(-1);
	for (let i = 0; i < count; i++) {
		const len = 3 + Math.floor(rng() * (maxLength - 2));
		let prev = 0;
		const row: number[] = [];
		for (let j = 0; j < len; j++) {
			const id = rng() < (context === 'previous' ? 0.2 : 0.08) ? GOOD : 5 + Math.floor(rng() * (VOCAB - 5));
			ids[i * maxLength + j] = id;
			labels[i * maxLength + j] = prev === GOOD ? 1 : id % 3 === 0 ? 2 : 0;
			row.push(id);
			prev = id;
		}
		if (context === 'sentence') {
			const good = row.includes(GOOD);
			row.forEach((id, j) => (labels[i * maxLength + j] = id % 3 === 0 ? 2 : good ? 1 : 0));
		}
	}
	return split(ids, labels, count, maxLength);
}

function split(ids: Int32Array, labels: Int32Array, count: number, maxLength: number): TextTrainData {
	const cut = Math.floor(count * 0.8);
	return { ids, labels, maxLength, train: Int32Array.from({ length: cut }, (_, i) => i), validation: Int32Array.from({ length: count - cut }, (_, i) => cut + i) };
}
