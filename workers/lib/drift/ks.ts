/**
 * Two-sample Kolmogorov–Smirnov statistic of two ascending arrays: the largest gap between their
 * empirical distribution functions, read after every run of equal values.
 */
export function ksStatistic(a: Float64Array, b: Float64Array): number {
	let i = 0;
	let j = 0;
	let d = 0;
	while (i < a.length && j < b.length) {
		const v = Math.min(a[i], b[j]);
		while (i < a.length && a[i] === v) i++;
		while (j < b.length && b[j] === v) j++;
		d = Math.max(d, Math.abs(i / a.length - j / b.length));
	}
	return d;
}

/** Kolmogorov's survival function Q(λ) = 2 Σ (−1)^(k−1) e^(−2k²λ²). */
export function kolmogorovQ(lambda: number): number {
	if (lambda < 0.2) return 1;
	let sum = 0;
	for (let k = 1; k <= 100; k++) {
		const term = 2 * (k % 2 === 1 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
		sum += term;
		if (Math.abs(term) < 1e-12) break;
	}
	return Math.min(1, Math.max(0, sum));
}

/** The asymptotic p-value of a two-sample statistic, with Stephens' small-sample correction (Numerical Recipes' probks). */
export function ksPValue(statistic: number, n: number, m: number): number {
	if (n === 0 || m === 0) return 1;
	const en = Math.sqrt((n * m) / (n + m));
	return kolmogorovQ((en + 0.12 + 0.11 / en) * statistic);
}
