import { describe, expect, it } from 'vitest';
import type { ThresholdPoint } from '$workers/protocol';
import { classificationBaselines, classificationReport, thresholdSweep } from '$workers/lib/evaluate';
import { beatsBaseline, cheapestPoint, costAt, tilesFor } from './tiles';
import type { RunEvaluation } from '$workers/protocol';

const truth = Int32Array.from([0, 0, 0, 1, 1, 0, 1, 0]);
const probabilities = Float32Array.from([0.9, 0.1, 0.8, 0.2, 0.6, 0.4, 0.3, 0.7, 0.2, 0.8, 0.55, 0.45, 0.45, 0.55, 0.7, 0.3]);
const input = { truth, probabilities, classes: ['no', 'yes'] };

function evaluation(): RunEvaluation {
	const report = classificationReport(input);
	const baselines = classificationBaselines(truth, input).map((b) => ({ strategy: b.strategy, report: b.report }));
	return { version: 1, runId: 'r', computedAt: 0, durationMs: 0, rows: 8, report, baselines, importance: null, dependence: [], slices: [], worst: [], worstColumns: [], target: 'y' };
}

describe('metric tiles', () => {
	it('carry a k-fold run\'s mean ± std of each figure, matched by its key', () => {
		const stat = (mean: number) => ({ mean, std: 0.01, min: mean - 0.01, max: mean + 0.01, folds: 5 });
		const tiles = tilesFor(evaluation(), null, { accuracy: stat(0.9), 'macro.f1': stat(0.8), logLoss: stat(0.3) });
		expect(tiles.find((t) => t.key === 'accuracy')!.folds!.mean).toBe(0.9);
		expect(tiles.find((t) => t.key === 'macroF1')!.folds!.mean).toBe(0.8);
		expect(tiles.find((t) => t.key === 'auc')!.folds).toBeUndefined();
		expect(tilesFor(evaluation()).some((t) => t.folds)).toBe(false);
	});

	it('put every classification figure beside both baselines and a compared run', () => {
		const e = evaluation();
		const tiles = tilesFor(e, e);
		expect(tiles.map((t) => t.key)).toEqual(['accuracy', 'balancedAccuracy', 'macroF1', 'weightedF1', 'auc', 'averagePrecision', 'logLoss', 'brier']);
		const accuracy = tiles[0];
		expect(accuracy.value).toBe(e.report.task === 'classification' && e.report.accuracy);
		expect(accuracy.baselines.map((b) => b.label)).toEqual(['majority class', 'random by class share']);
		expect(accuracy.baselines[0].value).toBe(5 / 8);
		expect(accuracy.compare).toBe(accuracy.value);
		const auc = tiles.find((t) => t.key === 'auc')!;
		expect(auc.baselines[0].value).toBe(0.5);
		expect(beatsBaseline(auc)).toBe(true);
		// lower is better for log loss: the model beats the prior only if its loss is lower
		const logLoss = tiles.find((t) => t.key === 'logLoss')!;
		expect(beatsBaseline(logLoss)).toBe(logLoss.value! < logLoss.baselines[0].value!);
	});
});

describe('threshold costs', () => {
	const sweep = thresholdSweep(Uint8Array.from(truth), Float32Array.from({ length: 8 }, (_, i) => probabilities[i * 2 + 1]), { costs: { falsePositive: 1, falseNegative: 1 }, positiveClass: 'yes' });

	it('price each error type at a threshold', () => {
		const half = sweep.points[50];
		expect(half.threshold).toBe(0.5);
		const cost = costAt(half, { falsePositive: 2, falseNegative: 10 });
		expect(cost.falsePositives).toBe(half.fp * 2);
		expect(cost.falseNegatives).toBe(half.fn * 10);
		expect(cost.perRow).toBe(cost.total / 8);
	});

	it('find the cheapest threshold, moving lower when a missed positive costs more', () => {
		const even = cheapestPoint(sweep.points, { falsePositive: 1, falseNegative: 1 });
		const missesCostly = cheapestPoint(sweep.points, { falsePositive: 1, falseNegative: 20 });
		expect(missesCostly.threshold).toBeLessThanOrEqual(even.threshold);
		expect(missesCostly.fn).toBe(0);
		// brute force agrees
		const total = (p: ThresholdPoint) => costAt(p, { falsePositive: 1, falseNegative: 20 }).total;
		expect(total(missesCostly)).toBe(Math.min(...sweep.points.map(total)));
	});
});
