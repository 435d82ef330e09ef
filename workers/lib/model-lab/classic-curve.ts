import type { EpochRecord } from '$workers/protocol';
import type { ClassicModel } from '$workers/lib/models/types';
import { lossAndMetric, type Scoring } from '$workers/lib/scores';
import type { EncodedPart } from '$workers/lib/train-data';
import { classicRawOutputs } from './outputs';

/** Points on a forest's or boosting's learning curve (trees or rounds); each costs one prediction pass. */
const CURVE_POINTS = 12;

function scoreOn(model: ClassicModel, part: EncodedPart, scoring: Scoring): { loss: number; metric: number } {
	return lossAndMetric(classicRawOutputs(model, part.x, part.rows.length), part.y, scoring);
}

/**
 * The curve a run's chart draws: for a forest the scores after 1…all trees, for boosting after
 * 1…all rounds (x = trees or rounds, in `epoch`), for other families the one fitted model. The
 * training loss is taken on at most CURVE_ROWS training rows.
 */
export function learningCurve(model: ClassicModel, data: Scoring & { train: EncodedPart; validation: EncodedPart; width: number }): EpochRecord[] {
	const stages = model.family === 'forest' ? model.trees.length : model.family === 'boosting' ? model.iterations : 1;
	const points = stages <= CURVE_POINTS ? Array.from({ length: stages }, (_, i) => i + 1) : Array.from({ length: CURVE_POINTS }, (_, i) => Math.max(1, Math.round(((i + 1) * stages) / CURVE_POINTS)));
	return [...new Set(points)].map((k) => {
		const staged = truncate(model, k);
		const train = scoreOn(staged, curveRows(data.train, data.width), data);
		const validation = data.validation.rows.length > 0 ? scoreOn(staged, data.validation, data) : { loss: NaN, metric: NaN };
		return { epoch: k, trainLoss: train.loss, valLoss: validation.loss, valMetric: validation.metric };
	});
}

/** Rows of the training part the curve scores: at most CURVE_ROWS, evenly spread, so a big set's curve stays cheap. */
const CURVE_ROWS = 5000;
function curveRows(part: EncodedPart, width: number): EncodedPart {
	const n = part.rows.length;
	if (n <= CURVE_ROWS) return part;
	// Every step-th row, so a file sorted by class or time is still covered end to end.
	const step = n / CURVE_ROWS;
	const pick = Int32Array.from({ length: CURVE_ROWS }, (_, i) => Math.floor(i * step));
	const x = new Float32Array(CURVE_ROWS * width);
	pick.forEach((r, i) => x.set(part.x.subarray(r * width, (r + 1) * width), i * width));
	const y = part.y instanceof Int32Array ? Int32Array.from(pick, (r) => part.y[r]) : Float32Array.from(pick, (r) => part.y[r]);
	return { rows: Int32Array.from(pick, (r) => part.rows[r]), x, y };
}

function truncate(model: ClassicModel, stages: number): ClassicModel {
	if (model.family === 'forest' && stages < model.trees.length) return { ...model, trees: model.trees.slice(0, stages) };
	if (model.family === 'boosting' && stages < model.iterations) return { ...model, trees: model.trees.slice(0, stages * model.columns), iterations: stages };
	return model;
}
