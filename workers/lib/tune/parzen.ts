/**
 * Parzen estimators of TPE: a mixture of normals truncated to [low, high] for numeric
 * parameters, smoothed category weights for choices. Bandwidths follow hyperopt's rule as
 * Optuna's univariate TPE still does: each kernel is as wide as the larger gap to its
 * neighbours, clipped to [range / min(100, 1 + n), range]; the prior kernel N(mid, range)
 * keeps every region reachable.
 */
export interface NumericParzen {
	mus: number[];
	sigmas: number[];
	weights: number[];
	low: number;
	high: number;
}

export function fitNumeric(observations: number[], weights: number[], low: number, high: number, priorWeight: number): NumericParzen {
	const range = high - low;
	const mus = [...observations, (low + high) / 2];
	const all = [...weights, priorWeight];
	const order = mus.map((_, i) => i).sort((a, b) => mus[a] - mus[b] || a - b);
	const sorted = order.map((i) => mus[i]);
	const withEnds = [low, ...sorted, high];
	const sigmas = new Array<number>(mus.length);
	order.forEach((original, j) => {
		const left = withEnds[j + 1] - withEnds[j];
		const right = withEnds[j + 2] - withEnds[j + 1];
		sigmas[original] = Math.max(left, right);
	});
	// Optuna's consider_endpoints=False: the outermost kernels look inward, not at the bounds.
	if (sorted.length >= 2) {
		sigmas[order[0]] = sorted[1] - sorted[0];
		sigmas[order[order.length - 1]] = sorted[sorted.length - 1] - sorted[sorted.length - 2];
	}
	const minSigma = range / Math.min(100, 1 + mus.length);
	for (let i = 0; i < sigmas.length; i++) sigmas[i] = Math.min(Math.max(sigmas[i], minSigma), range);
	sigmas[mus.length - 1] = range;
	const total = all.reduce((a, b) => a + b, 0);
	return { mus, sigmas, weights: all.map((w) => w / total), low, high };
}

export function sampleNumeric(p: NumericParzen, rng: () => number): number {
	const i = pickIndex(p.weights, rng);
	// rejection keeps the draw inside the bounds; a kernel centred inside them accepts ≥ ~1/3 of draws
	for (let tries = 0; tries < 100; tries++) {
		const x = p.mus[i] + p.sigmas[i] * standardNormal(rng);
		if (x >= p.low && x <= p.high) return x;
	}
	return Math.min(Math.max(p.mus[i], p.low), p.high);
}

export function logPdfNumeric(p: NumericParzen, x: number): number {
	const terms = p.mus.map((mu, i) => {
		const s = p.sigmas[i];
		const mass = normalMass((p.low - mu) / s, (p.high - mu) / s);
		const z = (x - mu) / s;
		return Math.log(p.weights[i]) - 0.5 * z * z - Math.log(s * Math.sqrt(2 * Math.PI)) - Math.log(Math.max(mass, 1e-300));
	});
	return logSumExp(terms);
}

/** Category probabilities: priorWeight spread evenly plus each observation's weight. */
export function fitCategorical(observations: number[], weights: number[], choices: number, priorWeight: number): number[] {
	const p = new Array<number>(choices).fill(priorWeight / choices);
	observations.forEach((c, i) => (p[c] += weights[i]));
	const total = p.reduce((a, b) => a + b, 0);
	return p.map((v) => v / total);
}

export function pickIndex(weights: number[], rng: () => number): number {
	let u = rng();
	for (let i = 0; i < weights.length - 1; i++) {
		if (u < weights[i]) return i;
		u -= weights[i];
	}
	return weights.length - 1;
}

export function standardNormal(rng: () => number): number {
	return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

function logSumExp(values: number[]): number {
	const max = Math.max(...values);
	if (!Number.isFinite(max)) return max;
	return max + Math.log(values.reduce((s, v) => s + Math.exp(v - max), 0));
}

/** Φ(b) − Φ(a), computed on the side that avoids cancellation in the far tails. */
function normalMass(a: number, b: number): number {
	if (a > 0) return 0.5 * (erfc(a / Math.SQRT2) - erfc(b / Math.SQRT2));
	if (b < 0) return 0.5 * (erfc(-b / Math.SQRT2) - erfc(-a / Math.SQRT2));
	return 1 - 0.5 * (erfc(-a / Math.SQRT2) + erfc(b / Math.SQRT2));
}

/** Complementary error function, fractional error < 1.2e-7 (Numerical Recipes' erfcc). */
export function erfc(x: number): number {
	const z = Math.abs(x);
	const t = 1 / (1 + 0.5 * z);
	const r =
		t *
		Math.exp(
			-z * z -
				1.26551223 +
				t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
		);
	return x >= 0 ? r : 2 - r;
}
