/** Log-space helpers for the RDP accountant, in float64 (the terms span hundreds of orders of magnitude). */

export function logAdd(a: number, b: number): number {
	const lo = Math.min(a, b);
	const hi = Math.max(a, b);
	if (lo === -Infinity) return hi;
	return Math.log1p(Math.exp(lo - hi)) + hi;
}

/** log(exp(a) − exp(b)) for a ≥ b. */
export function logSub(a: number, b: number): number {
	if (a < b) throw new RangeError('logSub needs a ≥ b.');
	if (b === -Infinity) return a;
	if (a === b) return -Infinity;
	const d = Math.expm1(a - b);
	return Number.isFinite(d) ? Math.log(d) + b : a;
}

const SQRT_PI = Math.sqrt(Math.PI);

/** erf by its Maclaurin series; accurate to ~1e-15 for |x| ≤ 2, where the alternating terms stay small. */
function erfSeries(x: number): number {
	let term = x;
	let sum = x;
	for (let n = 1; n < 200; n++) {
		term *= (-x * x) / n;
		const next = term / (2 * n + 1);
		sum += next;
		if (Math.abs(next) < 1e-17 * Math.abs(sum)) break;
	}
	return (2 / SQRT_PI) * sum;
}

/**
 * log(erfc(x) · e^{x²}) for x ≥ 2 by the Laplace continued fraction
 * erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated with Lentz's method.
 * It converges in a few dozen terms for x ≥ 2 and never underflows.
 */
function logErfcxContinuedFraction(x: number): number {
	const tiny = 1e-300;
	let f = x;
	let c = x;
	let d = 0;
	for (let n = 1; n < 5000; n++) {
		const a = n / 2;
		d = x + a * d;
		d = Math.abs(d) < tiny ? tiny : d;
		c = x + a / c;
		c = Math.abs(c) < tiny ? tiny : c;
		d = 1 / d;
		const delta = c * d;
		f *= delta;
		if (Math.abs(delta - 1) < 1e-16) break;
	}
	return -Math.log(SQRT_PI) - Math.log(f);
}

/** log(erfc(x)) for any real x, without underflow for large x (scipy's log_ndtr plays this part in Opacus). */
export function logErfc(x: number): number {
	if (x >= 2) return -x * x + logErfcxContinuedFraction(x);
	if (x > -2) return Math.log1p(-erfSeries(x));
	// erfc(x) = 2 − erfc(−x), in (1.995, 2] here.
	return Math.log(2 - Math.exp(logErfc(-x)));
}
