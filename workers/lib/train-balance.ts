import type { BalanceMethod, BalanceSummary } from '../protocol';
import { classCounts, classWeights, matrixBlocks, randomOversample, randomUndersample, sampleWeights, smote } from './data/split';
import { range } from './data/pipeline/typed';
import type { FittedPipeline } from './data/pipeline';
import type { EncodedPart } from './train-encode';

function gather(part: EncodedPart, width: number, positions: Int32Array): EncodedPart {
	const x = new Float32Array(positions.length * width);
	const y = new Int32Array(positions.length);
	const rows = new Int32Array(positions.length);
	positions.forEach((p, i) => {
		x.set(part.x.subarray(p * width, (p + 1) * width), i * width);
		y[i] = part.y[p];
		rows[i] = part.rows[p];
	});
	return { rows, x, y };
}

/**
 * Balance the classes of the training rows only (the validation and holdout rows keep the real
 * mix, so scores stay honest): class weights into the loss, random over- or under-sampling of the
 * rows, or SMOTE's synthetic rows between same-class neighbours in the encoded space.
 */
export function balanceTraining(part: EncodedPart, width: number, fitted: FittedPipeline, classes: string[], method: Exclude<BalanceMethod, 'none'>, seed: number): { part: EncodedPart; summary: BalanceSummary; notes: string[] } {
	const y = part.y as Int32Array;
	const k = classes.length;
	const before = classCounts(y, k);
	if (method === 'class-weights') {
		const weights = classWeights(y, k);
		return { part: { ...part, weights: sampleWeights(y, weights) }, summary: { method, classes, before, after: before, weights: Array.from(weights) }, notes: [] };
	}
	if (method === 'oversample' || method === 'undersample') {
		const resampled = (method === 'oversample' ? randomOversample : randomUndersample)(range(y.length), y, k, seed);
		return { part: gather(part, width, resampled.rows), summary: { method, classes, before, after: resampled.counts.after }, notes: [] };
	}
	const synthetic = smote(part.x, width, y, k, { seed, blocks: matrixBlocks(fitted) });
	const n = y.length;
	const m = synthetic.y.length;
	const x = new Float32Array((n + m) * width);
	x.set(part.x);
	x.set(synthetic.x, n * width);
	const labels = new Int32Array(n + m);
	labels.set(y);
	labels.set(synthetic.y, n);
	const rows = new Int32Array(n + m).fill(-1);
	rows.set(part.rows);
	const notes = synthetic.notes.map((note) => note.replace(/Class (\d+)/, (_, c: string) => `Class "${classes[Number(c)]}"`));
	return { part: { rows, x, y: labels }, summary: { method, classes, before, after: synthetic.counts.after }, notes };
}
