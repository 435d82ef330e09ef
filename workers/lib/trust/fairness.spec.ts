import { describe, expect, it } from 'vitest';
import { createRng } from '$workers/lib/random';
import { auditFairness, fairnessReport, wilson } from './fairness';
import { applyGroupThresholds, groupThresholds, reweighing } from './fairness-mitigation';

/** Rows as (group, truth, predicted) cells with counts. */
function rowsFrom(cells: [string, number, number, number][]) {
	const group: string[] = [];
	const truth: number[] = [];
	const predicted: number[] = [];
	for (const [g, t, p, count] of cells) for (let k = 0; k < count; k++) group.push(g), truth.push(t), predicted.push(p);
	return { group, truth, predicted };
}

describe('fairness metrics against a hand-computed table', () => {
	// A: TP 3, FN 1, FP 2, TN 4.  B: TP 1, FN 3, FP 1, TN 3.
	const { group, truth, predicted } = rowsFrom([
		['A', 1, 1, 3], ['A', 1, 0, 1], ['A', 0, 1, 2], ['A', 0, 0, 4],
		['B', 1, 1, 1], ['B', 1, 0, 3], ['B', 0, 1, 1], ['B', 0, 0, 3]
	]);
	const report = fairnessReport(truth, predicted, [{ name: 'g', values: group }], 1);

	it('per-group rates', () => {
		const [a, b] = report.groups;
		expect(a).toMatchObject({ group: 'A', count: 10, small: false, values: { g: 'A' } });
		expect([a.selectionRate.value, a.truePositiveRate.value, a.falsePositiveRate.value, a.precision.value, a.errorRate.value]).toEqual([0.5, 0.75, 2 / 6, 0.6, 0.3]);
		expect([b.selectionRate.value, b.truePositiveRate.value, b.falsePositiveRate.value, b.precision.value, b.errorRate.value]).toEqual([0.25, 0.25, 0.25, 0.5, 0.5]);
		expect([a.truePositiveRate.n, a.falsePositiveRate.n, a.precision.n]).toEqual([4, 6, 5]);
		expect(report.overall).toMatchObject({ count: 18 });
		expect(report.overall.errorRate.value).toBeCloseTo(7 / 18, 12);
	});

	it('disparities as Fairlearn defines them', () => {
		const d = report.disparities;
		expect(d.demographicParityDifference).toBeCloseTo(0.25, 12);
		expect(d.demographicParityRatio).toBeCloseTo(0.5, 12);
		expect(d.truePositiveRateDifference).toBeCloseTo(0.5, 12);
		expect(d.falsePositiveRateDifference).toBeCloseTo(1 / 3 - 1 / 4, 12);
		expect(d.equalizedOddsDifference).toBeCloseTo(0.5, 12);
		expect(d.equalizedOddsRatio).toBeCloseTo(1 / 3, 12);
	});

	it('Wilson 95 % intervals (3/4 → [0.3006, 0.9544]; 0/10 → [0, 0.2775])', () => {
		const r = report.groups[0].truePositiveRate;
		expect(r.low).toBeCloseTo(0.3006, 4);
		expect(r.high).toBeCloseTo(0.9544, 4);
		expect(wilson(0, 10).low).toBe(0);
		expect(wilson(0, 10).high).toBeCloseTo(0.2775, 4);
		expect(wilson(0, 0).value).toBeNaN();
	});

	it('leaves small groups out of the comparison but lists them', () => {
		const small = fairnessReport(truth, predicted, [{ name: 'g', values: group }], 9);
		expect(small.groups.map((g) => g.small)).toEqual([false, true]);
		expect(small.disparities.compared).toEqual(['A']);
		expect(small.disparities.demographicParityDifference).toBeNaN();
	});
});

describe('auditFairness', () => {
	it('reports each column and their intersections, from scores and a threshold', () => {
		const sex = ['f', 'f', 'm', 'm', 'f', 'm', null, 'm'];
		const race = ['x', 'y', 'x', 'y', 'x', 'x', 'y', 'y'];
		const truth = [1, 0, 1, 0, 1, 1, 0, 0];
		const scores = [0.9, 0.6, 0.4, 0.2, 0.7, 0.8, 0.1, 0.55];
		const audit = auditFairness({ truth, scores, threshold: 0.5, sensitive: [{ name: 'sex', values: sex }, { name: 'race', values: race }], minGroupSize: 2 });
		expect(audit.perColumn.map((r) => r.groups.map((g) => `${g.group}:${g.count}`))).toEqual([['(missing):1', 'f:3', 'm:4'], ['x:4', 'y:4']]);
		const inter = audit.intersectional!;
		expect(inter.columns).toEqual(['sex', 'race']);
		expect(inter.groups.map((g) => `${g.group}:${g.count}:${g.small}`)).toEqual(['(missing) · y:1:true', 'f · x:2:false', 'f · y:1:true', 'm · x:2:false', 'm · y:2:false']);
		// m · x: truth [1, 1], scores [0.4, 0.8] → one of two selected.
		expect(inter.groups[3].selectionRate.value).toBe(0.5);
		expect(inter.groups[3].values).toEqual({ sex: 'm', race: 'x' });
	});

	it('rejects labels that are not 0/1 and mismatched lengths', () => {
		expect(() => auditFairness({ truth: [1, 2], predicted: [1, 0], sensitive: [{ name: 's', values: ['a', 'b'] }] })).toThrow(/Row 1 of the true labels is 2/);
		expect(() => auditFairness({ truth: [1, 0], predicted: [1, 0], sensitive: [{ name: 's', values: ['a'] }] })).toThrow(/"s" has 1 rows/);
	});
});

describe('mitigations', () => {
	it('reweighing gives the Kamiran–Calders weights and equal weighted positive rates', () => {
		const { group, truth } = rowsFrom([['A', 1, 0, 4], ['A', 0, 0, 2], ['B', 1, 0, 1], ['B', 0, 0, 3]]);
		const { weights, table } = reweighing(truth, group);
		expect(table.map((c) => [c.group, c.label, c.count, +c.weight.toFixed(6)])).toEqual([['A', 0, 2, 1.5], ['A', 1, 4, 0.75], ['B', 0, 3, 0.666667], ['B', 1, 1, 2]]);
		for (const g of ['A', 'B']) {
			let pos = 0;
			let all = 0;
			group.forEach((h, i) => h === g && ((all += weights[i]), (pos += truth[i] * weights[i])));
			expect(pos / all).toBeCloseTo(0.5, 6);
		}
	});

	// Group B's scores are shifted up, so one threshold gives B a higher TPR and FPR.
	function biased(seed: number) {
		const rng = createRng(seed);
		const gauss = () => Math.sqrt(-2 * Math.log(rng() || 1e-12)) * Math.cos(2 * Math.PI * rng());
		const truth: number[] = [];
		const scores: number[] = [];
		const groups: string[] = [];
		for (let i = 0; i < 3000; i++) {
			const g = rng() < 0.6 ? 'A' : 'B';
			const y = rng() < 0.4 ? 1 : 0;
			const logit = 1.5 * (2 * y - 1) + gauss() + (g === 'B' ? 1.2 : 0);
			truth.push(y), groups.push(g), scores.push(1 / (1 + Math.exp(-logit)));
		}
		return { truth, scores, groups };
	}

	it.each([1, 2, 3])('per-group thresholds reduce the equalised-odds difference (seed %i)', (seed) => {
		const { truth, scores, groups } = biased(seed);
		const result = groupThresholds({ truth, scores, groups, maxAccuracyLoss: 0.03 });
		const before = fairnessReport(truth, Array.from(scores, (s) => (s >= 0.5 ? 1 : 0)), [{ name: 'g', values: groups }]).disparities;
		const after = fairnessReport(truth, applyGroupThresholds(scores, groups, result.thresholds), [{ name: 'g', values: groups }]).disparities;
		expect(result.before.disparity).toBeCloseTo(before.equalizedOddsDifference, 12);
		expect(result.after.disparity).toBeCloseTo(after.equalizedOddsDifference, 12);
		expect(before.equalizedOddsDifference).toBeGreaterThan(0.2);
		expect(after.equalizedOddsDifference).toBeLessThan(before.equalizedOddsDifference / 3);
		expect(result.after.accuracy).toBeGreaterThanOrEqual(result.before.accuracy - 0.03);
		// Fitted on half the rows, the thresholds still cut the gap on the other half.
		const half = (v: ArrayLike<unknown>, odd: number) => Array.from(v).filter((_, i) => i % 2 === odd);
		const fitted = groupThresholds({ truth: half(truth, 0) as number[], scores: half(scores, 0) as number[], groups: half(groups, 0) as string[], maxAccuracyLoss: 0.03 });
		const heldOut = (t: Record<string, number>) => fairnessReport(half(truth, 1) as number[], applyGroupThresholds(half(scores, 1) as number[], half(groups, 1) as string[], t, 0.5), [{ name: 'g', values: half(groups, 1) as string[] }]).disparities.equalizedOddsDifference;
		expect(heldOut(fitted.thresholds)).toBeLessThan(heldOut({}) / 2);
		// The curve is a Pareto front: accuracy falls as disparity falls.
		result.curve.slice(1).forEach((p, i) => {
			expect(p.accuracy).toBeLessThanOrEqual(result.curve[i].accuracy);
			expect(p.disparity).toBeLessThan(result.curve[i].disparity);
		});
	});

	it('also targets demographic parity, and searches many groups by coordinate descent', () => {
		const { truth, scores, groups } = biased(4);
		const dp = groupThresholds({ truth, scores, groups, objective: 'demographic_parity' });
		expect(dp.after.disparity).toBeLessThan(dp.before.disparity / 3);
		const many = groups.map((g, i) => `${g}${i % 4}`);
		const cd = groupThresholds({ truth, scores, groups: many });
		expect(Object.keys(cd.thresholds)).toHaveLength(8);
		expect(cd.after.disparity).toBeLessThan(cd.before.disparity / 2);
	});
});

describe('weighted training step', () => {
	it('equals the unweighted step when all weights are 1, and follows the weights otherwise', async () => {
		const { useCpu } = await import('../../../tests/unit-support');
		await useCpu();
		const tf = await import('@tensorflow/tfjs-core');
		const { buildModel } = await import('$workers/lib/model');
		const { makeTrainStep } = await import('$workers/lib/train');
		const { makeWeightedTrainStep } = await import('./weighted-step');
		const rng = createRng(1);
		const x = Float32Array.from({ length: 40 }, () => rng() * 2 - 1);
		const y = Array.from({ length: 10 }, (_, i) => i % 2);
		const run = (weighted: boolean, weights: number[]) => {
			const model = buildModel({ kind: 'mlp', inputSize: 4, outputSize: 2, hiddenLayers: [3], seed: 2 });
			const optimizer = tf.train.sgd(0.5);
			const loss = weighted ? makeWeightedTrainStep(model, optimizer, 'classification', 2, 0.01)(x, y, weights) : makeTrainStep(model, optimizer, 'classification', 2, 0.01)(x, y);
			const value = loss.dataSync()[0];
			const kernel = Array.from(model.getWeights()[0].dataSync());
			model.dispose();
			return { value, kernel };
		};
		const plain = run(false, []);
		const ones = run(true, y.map(() => 1));
		expect(ones.value).toBeCloseTo(plain.value, 5);
		ones.kernel.forEach((v, i) => expect(v).toBeCloseTo(plain.kernel[i], 5));
		// Doubling every weight changes nothing (weighted mean); zeroing half of them does.
		const twos = run(true, y.map(() => 2));
		twos.kernel.forEach((v, i) => expect(v).toBeCloseTo(plain.kernel[i], 5));
		const half = run(true, y.map((_, i) => (i < 5 ? 1 : 0)));
		expect(half.kernel.some((v, i) => Math.abs(v - plain.kernel[i]) > 1e-4)).toBe(true);
	});
});
