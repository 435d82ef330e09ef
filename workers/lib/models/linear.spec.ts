import { describe, expect, it } from 'vitest';
import { createRng } from '$workers/lib/random';
import { contributions, defaultParams, fitClassic, predictClassic, rawCoefficients, type LinearModel, type LinearParams } from './index';
import { accuracy, datasetHoldout } from './models.spec-support';

/** y = X·w + b + noise with correlated columns, so coordinate descent has real work to do. */
function regressionSet(n: number, seed: number) {
	const rng = createRng(seed);
	const gauss = () => Math.sqrt(-2 * Math.log(rng() + 1e-12)) * Math.cos(2 * Math.PI * rng());
	const d = 4;
	const x = new Float32Array(n * d);
	const y = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		const a = gauss();
		x[i * d] = a * 3 + 10;
		x[i * d + 1] = a + 0.5 * gauss();
		x[i * d + 2] = gauss() * 0.1;
		x[i * d + 3] = gauss(); // pure noise, unrelated to y
		y[i] = 2 * x[i * d] - 3 * x[i * d + 1] + 8 * x[i * d + 2] + 1 + 0.3 * gauss();
	}
	return { x, y, n, d };
}

/** Ordinary least squares by the normal equations (Gaussian elimination with partial pivoting). */
function leastSquares(x: Float32Array, y: Float64Array, n: number, d: number): Float64Array {
	const p = d + 1;
	const a = Array.from({ length: p }, () => new Float64Array(p + 1));
	for (let i = 0; i < n; i++) {
		const row = [1, ...x.subarray(i * d, i * d + d)];
		for (let r = 0; r < p; r++) {
			for (let c = 0; c < p; c++) a[r][c] += row[r] * row[c];
			a[r][p] += row[r] * y[i];
		}
	}
	for (let col = 0; col < p; col++) {
		let pivot = col;
		for (let r = col + 1; r < p; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
		[a[col], a[pivot]] = [a[pivot], a[col]];
		for (let r = 0; r < p; r++) {
			if (r === col) continue;
			const f = a[r][col] / a[col][col];
			for (let c = col; c <= p; c++) a[r][c] -= f * a[col][c];
		}
	}
	return Float64Array.from({ length: p }, (_, r) => a[r][p] / a[r][r]);
}

const params = (over: Partial<LinearParams>): LinearParams => ({ ...defaultParams('linear', 'regression'), ...over });

describe('linear regression', () => {
	it('matches the closed-form least-squares solution when the penalty is zero', () => {
		const { x, y, n, d } = regressionSet(400, 1);
		const exact = leastSquares(x, y, n, d);
		const model = fitClassic({ family: 'linear', params: params({ penalty: 'none', tol: 1e-10, maxIter: 100_000 }) }, x, n, d, y, 'regression', 0, { seed: 1 }) as LinearModel;
		const { coef, intercept } = rawCoefficients(model);
		expect(intercept[0]).toBeCloseTo(exact[0], 4);
		for (let j = 0; j < d; j++) expect(coef[j]).toBeCloseTo(exact[j + 1], 4);
		expect(model.notes).toEqual([]);
	});

	it('lasso sets the pure-noise input to exactly zero and keeps the real ones', () => {
		const { x, y, n, d } = regressionSet(400, 2);
		const model = fitClassic({ family: 'linear', params: params({ penalty: 'l1', alpha: 0.05 }) }, x, n, d, y, 'regression', 0, { seed: 1 }) as LinearModel;
		expect(model.coef[3]).toBe(0);
		for (const j of [0, 1, 2]) expect(Math.abs(model.coef[j])).toBeGreaterThan(0.1);
	});

	it('ridge shrinks coefficients toward zero as alpha grows', () => {
		const { x, y, n, d } = regressionSet(300, 3);
		const size = (alpha: number) => {
			const m = fitClassic({ family: 'linear', params: params({ penalty: 'l2', alpha }) }, x, n, d, y, 'regression', 0, { seed: 1 }) as LinearModel;
			return m.coef.reduce((s, c) => s + c * c, 0);
		};
		expect(size(10)).toBeLessThan(size(1));
		expect(size(1)).toBeLessThan(size(0.01));
	});

	it('explains each prediction exactly: intercept + contributions = prediction', () => {
		const { x, y, n, d } = regressionSet(200, 4);
		const model = fitClassic({ family: 'linear', params: params({}) }, x, n, d, y, 'regression', 0, { seed: 1 });
		const row = x.slice(5 * d, 6 * d);
		const parts = contributions(model, row)!;
		const sum = parts.bias[0] + parts.values.reduce((s, v) => s + v, 0);
		expect(sum).toBeCloseTo(predictClassic(model, row, 1)[0], 4);
	});
});

describe('logistic and softmax regression', () => {
	it('separates breast cancer and iris on the holdout', () => {
		const cancer = datasetHoldout('breast-cancer.csv', 'diagnosis', 'classification', 7);
		const binary = fitClassic({ family: 'linear', params: defaultParams('linear', 'classification') }, cancer.xTrain, cancer.nTrain, cancer.d, cancer.yTrain, 'classification', 2, { seed: 7 });
		expect(accuracy(predictClassic(binary, cancer.xTest, cancer.nTest), cancer.yTest, 2)).toBeGreaterThanOrEqual(0.95);
		const iris = datasetHoldout('iris.csv', 'species', 'classification', 7);
		const multi = fitClassic({ family: 'linear', params: defaultParams('linear', 'classification') }, iris.xTrain, iris.nTrain, iris.d, iris.yTrain, 'classification', 3, { seed: 7 });
		const probs = predictClassic(multi, iris.xTest, iris.nTest);
		expect(accuracy(probs, iris.yTest, 3)).toBeGreaterThanOrEqual(0.9);
		for (let i = 0; i < iris.nTest; i++) expect(probs[i * 3] + probs[i * 3 + 1] + probs[i * 3 + 2]).toBeCloseTo(1, 5);
	});

	it('L1 drops an input that carries no signal, and contributions add up to the log-odds', () => {
		const rng = createRng(5);
		const n = 500;
		const x = new Float32Array(n * 2);
		const y = new Int32Array(n);
		for (let i = 0; i < n; i++) {
			x[i * 2] = rng() * 4 - 2;
			x[i * 2 + 1] = rng() * 4 - 2;
			y[i] = x[i * 2] + 0.5 * (rng() - 0.5) > 0 ? 1 : 0;
		}
		const model = fitClassic({ family: 'linear', params: { ...defaultParams('linear', 'classification'), penalty: 'l1', alpha: 0.02 } }, x, n, 2, y, 'classification', 2, { seed: 1 }) as LinearModel;
		expect(model.coef[1]).toBe(0);
		expect(model.coef[0]).toBeGreaterThan(1);
		const row = Float32Array.of(0.3, -1);
		const parts = contributions(model, row)!;
		expect(parts.space).toBe('log-odds');
		const logit = parts.bias[0] + parts.values[0] + parts.values[1];
		expect(1 / (1 + Math.exp(-logit))).toBeCloseTo(predictClassic(model, row, 1)[1], 5);
	});

	it('treats a missing input as its training mean', () => {
		const iris = datasetHoldout('iris.csv', 'species', 'classification', 3);
		const model = fitClassic({ family: 'linear', params: defaultParams('linear', 'classification') }, iris.xTrain, iris.nTrain, iris.d, iris.yTrain, 'classification', 3, { seed: 3 }) as LinearModel;
		const row = iris.xTest.slice(0, 4);
		const atMean = row.slice();
		row[2] = NaN;
		atMean[2] = model.standardiser.mean[2];
		expect(Array.from(predictClassic(model, row, 1))).toEqual(Array.from(predictClassic(model, atMean, 1)));
	});
});

describe('row weights in the linear solver', () => {
	/** The set with row `row` given twice, to compare with weight 2 on it. */
	function duplicated(x: Float32Array, y: ArrayLike<number>, d: number, row: number) {
		return { x: Float32Array.from([...x, ...x.subarray(row * d, row * d + d)]), y: [...Array.from(y), y[row]] };
	}
	const coefficients = (m: LinearModel) => [...rawCoefficients(m).coef, ...rawCoefficients(m).intercept];

	it('fits the hand-checked weighted least squares: weight 2 on (1, 1) of (0, 0), (1, 1), (2, 0)', () => {
		// Weighted means x̄ = 1, ȳ = 0.5; Σw(x − x̄)(y − ȳ) = 0.5 + 0 − 0.5 = 0, so slope 0 and intercept 0.5
		// (unweighted: intercept 1/3).
		const x = Float32Array.of(0, 1, 2);
		const y = Float64Array.of(0, 1, 0);
		const exact = params({ penalty: 'none', tol: 1e-12, maxIter: 10_000 });
		const weighted = fitClassic({ family: 'linear', params: exact }, x, 3, 1, y, 'regression', 0, { seed: 1, sampleWeight: Float32Array.of(1, 2, 1) }) as LinearModel;
		expect(rawCoefficients(weighted).coef[0]).toBeCloseTo(0, 8);
		expect(rawCoefficients(weighted).intercept[0]).toBeCloseTo(0.5, 8);
		const plain = fitClassic({ family: 'linear', params: exact }, x, 3, 1, y, 'regression', 0, { seed: 1 }) as LinearModel;
		expect(rawCoefficients(plain).intercept[0]).toBeCloseTo(1 / 3, 8);
	});

	it('weight 2 on a row equals that row duplicated: ridge, elastic net, logistic and softmax', () => {
		const reg = regressionSet(120, 9);
		const iris = datasetHoldout('iris.csv', 'species', 'classification', 2);
		const cases = [
			{ task: 'regression' as const, classes: 0, p: params({ penalty: 'l2', alpha: 'auto', tol: 1e-12, maxIter: 20_000 }), x: reg.x, y: reg.y, n: reg.n, d: reg.d },
			{ task: 'regression' as const, classes: 0, p: params({ penalty: 'elasticnet', alpha: 0.05, l1Ratio: 0.5, tol: 1e-12, maxIter: 20_000 }), x: reg.x, y: reg.y, n: reg.n, d: reg.d },
			{ task: 'classification' as const, classes: 3, p: { ...defaultParams('linear', 'classification'), tol: 1e-9, maxIter: 2000 }, x: iris.xTrain, y: iris.yTrain, n: iris.nTrain, d: iris.d }
		];
		for (const c of cases) {
			const row = 7;
			const w = new Float32Array(c.n).fill(1);
			w[row] = 2;
			const weighted = fitClassic({ family: 'linear', params: c.p }, c.x, c.n, c.d, c.y, c.task, c.classes, { seed: 1, sampleWeight: w }) as LinearModel;
			const twice = duplicated(c.x, c.y, c.d, row);
			const y = c.task === 'regression' ? Float64Array.from(twice.y) : Int32Array.from(twice.y);
			const copy = fitClassic({ family: 'linear', params: c.p }, twice.x, c.n + 1, c.d, y, c.task, c.classes, { seed: 1 }) as LinearModel;
			const a = coefficients(weighted);
			const b = coefficients(copy);
			for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 4);
			const unweighted = coefficients(fitClassic({ family: 'linear', params: c.p }, c.x, c.n, c.d, c.y, c.task, c.classes, { seed: 1 }) as LinearModel);
			expect(Math.max(...unweighted.map((v, i) => Math.abs(v - b[i])))).toBeGreaterThan(1e-3);
		}
		// Binary logistic on breast cancer, a heavier weight on one row.
		const cancer = datasetHoldout('breast-cancer.csv', 'diagnosis', 'classification', 4);
		const w = new Float32Array(cancer.nTrain).fill(1);
		w[3] = 2;
		const p = { ...defaultParams('linear', 'classification'), tol: 1e-9, maxIter: 3000 };
		const weighted = coefficients(fitClassic({ family: 'linear', params: p }, cancer.xTrain, cancer.nTrain, cancer.d, cancer.yTrain, 'classification', 2, { seed: 1, sampleWeight: w }) as LinearModel);
		const twice = duplicated(cancer.xTrain, cancer.yTrain, cancer.d, 3);
		const copy = coefficients(fitClassic({ family: 'linear', params: p }, twice.x, cancer.nTrain + 1, cancer.d, Int32Array.from(twice.y), 'classification', 2, { seed: 1 }) as LinearModel);
		for (let i = 0; i < weighted.length; i++) expect(weighted[i]).toBeCloseTo(copy[i], 3);
	});

	it('refuses negative or missing row weights by row', () => {
		const x = Float32Array.of(0, 1, 2);
		const y = Float64Array.of(0, 1, 0);
		expect(() => fitClassic({ family: 'linear', params: params({}) }, x, 3, 1, y, 'regression', 0, { seed: 1, sampleWeight: Float32Array.of(1, -1, 1) })).toThrow(/Training row 2 has weight -1/);
		expect(() => fitClassic({ family: 'linear', params: params({}) }, x, 3, 1, y, 'regression', 0, { seed: 1, sampleWeight: Float32Array.of(1, NaN, 1) })).toThrow(/Training row 2 has weight NaN/);
	});
});
