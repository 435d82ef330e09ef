import { describe, expect, it } from 'vitest';
import { calibrationCurve } from './calibration';
import { classificationReport } from './classification';
import { binaryInput, multiclassInput, SKLEARN } from './sklearn-reference.spec-support';

describe('calibration', () => {
	it('bins by hand: an edge value falls into the lower bin, empty bins are dropped', () => {
		const positive = [0, 1, 0, 1, 1, 1];
		const p = [0.1, 0.25, 0.5, 0.5, 0.9, 1];
		const c = calibrationCurve(positive, p, { bins: 4, kind: 'positive-class', className: 'yes' });
		// bins [0,.25]: .1,.25 ; (.25,.5]: .5,.5 ; (.5,.75]: empty ; (.75,1]: .9, 1
		expect(c.bins.map((b) => b.count)).toEqual([2, 2, 2]);
		expect(c.bins.map((b) => b.meanPredicted)).toEqual([0.175, 0.5, 0.95]);
		expect(c.bins.map((b) => b.fractionPositive)).toEqual([0.5, 0.5, 1]);
		expect(c.bins.map((b) => [b.lower, b.upper])).toEqual([[0, 0.25], [0.25, 0.5], [0.75, 1]]);
		// ECE = (2/6)(.325) + (2/6)(0) + (2/6)(.05)
		expect(c.ece).toBeCloseTo((0.325 + 0.05) / 3, 12);
		expect(c.mce).toBeCloseTo(0.325, 12);
	});

	it('matches scikit-learn calibration_curve', () => {
		const r = classificationReport(binaryInput(), { calibrationBins: 5 });
		expect(r.calibration.kind).toBe('positive-class');
		r.calibration.bins.forEach((b, i) => {
			expect(b.fractionPositive).toBeCloseTo(SKLEARN.bin_cal_true[i], 12);
			expect(b.meanPredicted).toBeCloseTo(SKLEARN.bin_cal_pred[i], 7);
		});
		expect(r.calibration.bins).toHaveLength(SKLEARN.bin_cal_true.length);
	});

	it('uses top-label calibration for a multiclass task and one-vs-rest curves per class', () => {
		const r = classificationReport(multiclassInput());
		expect(r.calibration.kind).toBe('top-label');
		expect(r.calibration.bins.reduce((s, b) => s + b.count, 0)).toBe(12);
		expect(r.perClassCalibration.map((c) => c.className)).toEqual(['a', 'b', 'c']);
	});
});
