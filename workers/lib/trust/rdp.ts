/**
 * Rényi-DP accountant for the Poisson-subsampled Gaussian mechanism, as DP-SGD uses it.
 *
 * Port of the analysis in Mironov, Talwar & Zhang, "Rényi Differential Privacy of the Sampled
 * Gaussian Mechanism" (arXiv 1908.10530, §3.3), following tensorflow/privacy's rdp_accountant.py
 * and opacus/accountants/analysis/rdp.py: integer orders by the binomial sum, fractional orders by
 * the two-sided erfc series. RDP composes additively over steps, so one step is computed per order
 * and scaled by the step count.
 */
import { KilnError } from '$shared/errors';
import { logAdd, logErfc, logSub } from './special';
import type { PrivacyConversion, PrivacySpent } from './types';

/** Opacus' default orders: 1.1, 1.2, …, 10.9, then 12 … 63. */
export const DEFAULT_ORDERS: readonly number[] = [...Array.from({ length: 99 }, (_, i) => 1 + (i + 1) / 10), ...Array.from({ length: 52 }, (_, i) => 12 + i)];

/** The orders tensorflow/privacy's compute_dp_sgd_privacy uses. */
export const TF_PRIVACY_ORDERS: readonly number[] = [1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5, ...Array.from({ length: 59 }, (_, i) => 5 + i), 128, 256, 512];

function logAIntegerOrder(q: number, sigma: number, alpha: number): number {
	let logA = -Infinity;
	let logBinom = 0; // log C(α, 0)
	const logQ = Math.log(q);
	const log1mQ = Math.log1p(-q);
	for (let k = 0; k <= alpha; k++) {
		if (k > 0) logBinom += Math.log(alpha - k + 1) - Math.log(k);
		logA = logAdd(logA, logBinom + k * logQ + (alpha - k) * log1mQ + (k * k - k) / (2 * sigma * sigma));
	}
	return logA;
}

/** The series of Mironov et al. §3.3 for fractional α; C(α, i) changes sign, hence the two accumulators per side. */
function logAFractionalOrder(q: number, sigma: number, alpha: number): number {
	let logA0 = -Infinity;
	let logA1 = -Infinity;
	const z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
	const logQ = Math.log(q);
	const log1mQ = Math.log1p(-q);
	let logAbsBinom = 0;
	let positive = true;
	for (let i = 0; i < 100_000; i++) {
		if (i > 0) {
			const factor = (alpha - i + 1) / i;
			logAbsBinom += Math.log(Math.abs(factor));
			if (factor < 0) positive = !positive;
		}
		const j = alpha - i;
		const logT0 = logAbsBinom + i * logQ + j * log1mQ;
		const logT1 = logAbsBinom + j * logQ + i * log1mQ;
		const logE0 = Math.log(0.5) + logErfc((i - z0) / (Math.SQRT2 * sigma));
		const logE1 = Math.log(0.5) + logErfc((z0 - j) / (Math.SQRT2 * sigma));
		const logS0 = logT0 + (i * i - i) / (2 * sigma * sigma) + logE0;
		const logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1;
		if (positive) {
			logA0 = logAdd(logA0, logS0);
			logA1 = logAdd(logA1, logS1);
		} else {
			logA0 = logSub(logA0, logS0);
			logA1 = logSub(logA1, logS1);
		}
		if (Math.max(logS0, logS1) < -30) break;
	}
	return logAdd(logA0, logA1);
}

/** RDP of one step of the subsampled Gaussian at order α. */
export function rdpOneStep(q: number, sigma: number, alpha: number): number {
	if (q === 0) return 0;
	if (sigma === 0 || alpha === Infinity) return Infinity;
	if (q === 1) return alpha / (2 * sigma * sigma);
	const logA = Number.isInteger(alpha) ? logAIntegerOrder(q, sigma, alpha) : logAFractionalOrder(q, sigma, alpha);
	return logA / (alpha - 1);
}

function checkMechanism(q: number, sigma: number, steps: number): void {
	if (!(q >= 0 && q <= 1)) throw new KilnError('PrivacyError', `The sampling rate must be between 0 and 1 (it was ${q}).`);
	if (!(sigma >= 0) || !Number.isFinite(sigma)) throw new KilnError('PrivacyError', `The noise multiplier must be a number of at least 0 (it was ${sigma}).`);
	if (!Number.isInteger(steps) || steps < 0) throw new KilnError('PrivacyError', `The number of steps must be a whole number of at least 0 (it was ${steps}).`);
}

function checkOrders(orders: readonly number[]): void {
	if (orders.length === 0 || orders.some((a) => !(a > 1))) throw new KilnError('PrivacyError', 'RDP orders must all be above 1.');
}

/** RDP after `steps` steps at each order (tensorflow/privacy's compute_rdp). */
export function computeRdp(q: number, sigma: number, steps: number, orders: readonly number[] = DEFAULT_ORDERS): number[] {
	checkMechanism(q, sigma, steps);
	checkOrders(orders);
	return orders.map((alpha) => rdpOneStep(q, sigma, alpha) * steps);
}

function checkDelta(delta: number): void {
	if (!(delta > 0 && delta < 1)) throw new KilnError('PrivacyError', `δ must be between 0 and 1, e.g. 1e-5 (it was ${delta}).`);
}

/**
 * (ε, δ) from RDP at several orders, taking the best order.
 * - 'balle': Balle et al. 2020, "Hypothesis testing interpretations and Rényi DP", Thm 21, as in
 *   Opacus' get_privacy_spent and tensorflow/privacy's _compute_eps:
 *   ε = rdp + log((α−1)/α) − (log δ + log α)/(α−1).
 * - 'classic': Mironov 2017, Prop. 3: ε = rdp + log(1/δ)/(α−1).
 */
export function privacyFromRdp(orders: readonly number[], rdp: readonly number[], delta: number, conversion: PrivacyConversion = 'balle'): PrivacySpent {
	checkDelta(delta);
	checkOrders(orders);
	if (orders.length !== rdp.length) throw new KilnError('PrivacyError', `There are ${orders.length} orders but ${rdp.length} RDP values.`);
	let best: PrivacySpent = { epsilon: Infinity, order: NaN };
	orders.forEach((alpha, i) => {
		const r = rdp[i];
		if (Number.isNaN(r)) return;
		let eps: number;
		if (conversion === 'classic') eps = r + Math.log(1 / delta) / (alpha - 1);
		else if (r < 0 || delta * delta + Math.expm1(-r) >= 0) eps = 0; // tensorflow/privacy: the pair is (0, δ)-DP already
		else eps = r + Math.log1p(-1 / alpha) - Math.log(delta * alpha) / (alpha - 1);
		if (eps < best.epsilon) best = { epsilon: Math.max(0, eps), order: alpha };
	});
	return best;
}

export interface AccountantOptions {
	orders?: readonly number[];
	conversion?: PrivacyConversion;
}

/** ε after `steps` steps of DP-SGD with sampling rate q and noise multiplier σ, at δ. */
export function epsilon(q: number, sigma: number, steps: number, delta: number, options: AccountantOptions = {}): number {
	return privacySpent(q, sigma, steps, delta, options).epsilon;
}

export function privacySpent(q: number, sigma: number, steps: number, delta: number, options: AccountantOptions = {}): PrivacySpent {
	const orders = options.orders ?? DEFAULT_ORDERS;
	return privacyFromRdp(orders, computeRdp(q, sigma, steps, orders), delta, options.conversion);
}

/** ε as a function of steps for fixed q, σ and δ: the per-step RDP is computed once, so a training loop can ask every epoch. */
export function createAccountant(q: number, sigma: number, delta: number, options: AccountantOptions = {}) {
	const orders = options.orders ?? DEFAULT_ORDERS;
	const perStep = computeRdp(q, sigma, 1, orders);
	checkDelta(delta);
	const spent = (steps: number): PrivacySpent => {
		checkMechanism(q, sigma, steps);
		return privacyFromRdp(orders, perStep.map((r) => r * steps), delta, options.conversion);
	};
	return {
		spent,
		/** The most steps whose ε stays within the budget (ε grows with steps, so bisection finds it). */
		maxSteps(budget: number, limit: number): number {
			if (spent(0).epsilon > budget) return 0;
			if (spent(limit).epsilon <= budget) return limit;
			let lo = 0;
			let hi = limit;
			while (hi - lo > 1) {
				const mid = Math.floor((lo + hi) / 2);
				if (spent(mid).epsilon <= budget) lo = mid;
				else hi = mid;
			}
			return lo;
		}
	};
}

/**
 * The smallest noise multiplier whose ε after `steps` steps is at most `targetEpsilon` (to a relative
 * 1e-4 in σ), by bracketing and bisection like Opacus' get_noise_multiplier. The returned σ is the
 * upper end of the bracket, so its ε never exceeds the target.
 */
export function sigmaFor(targetEpsilon: number, q: number, steps: number, delta: number, options: AccountantOptions = {}): number {
	if (!(targetEpsilon > 0) || !Number.isFinite(targetEpsilon)) throw new KilnError('PrivacyError', `The target ε must be a positive number (it was ${targetEpsilon}).`);
	checkMechanism(q, 1, steps);
	checkDelta(delta);
	if (q === 0 || steps === 0) return 0;
	const eps = (sigma: number) => epsilon(q, sigma, steps, delta, options);
	let lo = 0;
	let hi = 1;
	while (eps(hi) > targetEpsilon) {
		lo = hi;
		hi *= 2;
		if (hi > 1e6) throw new KilnError('PrivacyError', `No noise level reaches ε = ${targetEpsilon} with δ = ${delta} in ${steps} steps; raise ε or δ, or train for fewer steps.`);
	}
	while ((hi - lo) / hi > 1e-4) {
		const mid = (lo + hi) / 2;
		if (eps(mid) > targetEpsilon) lo = mid;
		else hi = mid;
	}
	return hi;
}
