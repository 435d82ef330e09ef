import { KilnError } from '$shared/errors';
import { createRng } from '../lib/random';

/**
 * Train and holdout rows of an image dataset, the same for the same seed (so a resumed run
 * replays them). A shipped set keeps its own test split; otherwise `holdoutFraction` of each
 * class is held out, so small classes are scored too. `maxTrain` > 0 trains on a seeded subset.
 */
export function imageSplit(labels: Int32Array, classes: number, options: { seed: number; holdoutFraction: number; testStart?: number; maxTrain: number }): { train: Int32Array; holdout: Int32Array } {
	const rng = createRng(options.seed);
	const shuffle = (rows: number[]) => {
		for (let i = rows.length - 1; i > 0; i--) {
			const j = Math.floor(rng() * (i + 1));
			[rows[i], rows[j]] = [rows[j], rows[i]];
		}
		return rows;
	};
	let train: number[] = [];
	let holdout: number[] = [];
	if (options.testStart !== undefined) {
		train = shuffle(Array.from({ length: options.testStart }, (_, i) => i));
		holdout = Array.from({ length: labels.length - options.testStart }, (_, i) => options.testStart! + i);
	} else {
		const byClass: number[][] = Array.from({ length: classes }, () => []);
		labels.forEach((l, i) => byClass[l].push(i));
		for (const rows of byClass) {
			shuffle(rows);
			const held = rows.length < 2 ? 0 : Math.max(1, Math.round(rows.length * options.holdoutFraction));
			holdout.push(...rows.slice(0, held));
			train.push(...rows.slice(held));
		}
		shuffle(train);
		holdout.sort((a, b) => a - b);
	}
	if (options.maxTrain > 0 && train.length > options.maxTrain) train = train.slice(0, options.maxTrain);
	if (train.length === 0 || holdout.length === 0) throw new KilnError('TrainingError', `There are too few images (${labels.length}) to train and hold some out for scoring; add images to each class.`);
	return { train: Int32Array.from(train.sort((a, b) => a - b)), holdout: Int32Array.from(holdout) };
}

/**
 * Validation rows: `fraction` of each class of the training rows, seeded, so a run's curves and a
 * search's trials are scored without touching the holdout; every class with two or more rows gives one.
 */
export function validationRows(train: Int32Array, labels: Int32Array, classes: number, fraction: number, seed: number, options: { optional?: boolean } = {}): { train: Int32Array; validation: Int32Array } {
	const rng = createRng(seed + 1);
	const byClass: number[][] = Array.from({ length: classes }, () => []);
	for (const r of train) byClass[labels[r]].push(r);
	const kept: number[] = [];
	const held: number[] = [];
	for (const rows of byClass) {
		for (let i = rows.length - 1; i > 0; i--) {
			const j = Math.floor(rng() * (i + 1));
			[rows[i], rows[j]] = [rows[j], rows[i]];
		}
		const n = rows.length < 2 ? 0 : Math.max(1, Math.round(rows.length * fraction));
		held.push(...rows.slice(0, n));
		kept.push(...rows.slice(n));
	}
	// A run can do without curves (its holdout is scored anyway); a search cannot score its trials.
	if (options.optional && held.length === 0) return { train, validation: new Int32Array(0) };
	if (held.length === 0 || kept.length === 0) throw new KilnError('TrainingError', `There are too few training images (${train.length}) to keep some apart for validation; add images to each class.`);
	return { train: Int32Array.from(kept.sort((a, b) => a - b)), validation: Int32Array.from(held.sort((a, b) => a - b)) };
}
