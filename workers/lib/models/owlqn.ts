import { throwIfAborted } from './progress';

/** Value of the smooth part of an objective at theta; writes its gradient into grad. */
export type SmoothObjective = (theta: Float64Array, grad: Float64Array) => number;

export interface OwlqnOptions {
	maxIter: number;
	/** Stop when every pseudo-gradient component is at most this large. */
	tol: number;
	memory?: number;
	signal?: AbortSignal;
	onProgress?: (fraction: number) => void;
}

/**
 * Minimises smooth(θ) + Σ l1ᵢ·|θᵢ| with OWL-QN (Andrew & Gao, 2007): L-BFGS directions on the
 * pseudo-gradient, kept inside the current orthant so the L1 term stays differentiable along the
 * step. With all l1ᵢ = 0 this is plain L-BFGS with a backtracking (Armijo) line search.
 */
export function minimiseOwlqn(smooth: SmoothObjective, theta: Float64Array, l1: Float64Array, options: OwlqnOptions): { iterations: number; converged: boolean } {
	const n = theta.length;
	const m = options.memory ?? 10;
	const grad = new Float64Array(n);
	const pg = new Float64Array(n);
	const dir = new Float64Array(n);
	const next = new Float64Array(n);
	const nextGrad = new Float64Array(n);
	const orthant = new Float64Array(n);
	const s: Float64Array[] = [];
	const y: Float64Array[] = [];
	const rho: number[] = [];
	const alphas = new Float64Array(m);
	let value = smooth(theta, grad) + l1Norm(theta, l1);
	for (let it = 1; it <= options.maxIter; it++) {
		throwIfAborted(options.signal);
		pseudoGradient(theta, grad, l1, pg);
		if (maxAbs(pg) <= options.tol) return { iterations: it - 1, converged: true };
		// Two-loop recursion: dir = −H·pg.
		for (let i = 0; i < n; i++) dir[i] = -pg[i];
		for (let k = s.length - 1; k >= 0; k--) {
			alphas[k] = rho[k] * dot(s[k], dir);
			axpy(-alphas[k], y[k], dir);
		}
		if (s.length > 0) {
			const last = s.length - 1;
			const gamma = dot(s[last], y[last]) / dot(y[last], y[last]);
			for (let i = 0; i < n; i++) dir[i] *= gamma;
		}
		for (let k = 0; k < s.length; k++) axpy(alphas[k] - rho[k] * dot(y[k], dir), s[k], dir);
		// Keep only components that descend along the pseudo-gradient; choose the orthant.
		for (let i = 0; i < n; i++) {
			if (dir[i] * pg[i] >= 0) dir[i] = 0;
			orthant[i] = theta[i] !== 0 ? Math.sign(theta[i]) : -Math.sign(pg[i]);
		}
		let step = s.length === 0 ? 1 / Math.max(norm(pg), 1e-12) : 1;
		let accepted = false;
		let nextValue = value;
		for (let tries = 0; tries < 40; tries++, step /= 2) {
			for (let i = 0; i < n; i++) {
				const v = theta[i] + step * dir[i];
				// Leaving the orthant of an L1-penalised coordinate sets it to exactly zero.
				next[i] = l1[i] > 0 && v * orthant[i] <= 0 ? 0 : v;
			}
			nextValue = smooth(next, nextGrad) + l1Norm(next, l1);
			let decrease = 0;
			for (let i = 0; i < n; i++) decrease += pg[i] * (next[i] - theta[i]);
			if (nextValue <= value + 1e-4 * decrease) {
				accepted = true;
				break;
			}
		}
		if (!accepted) return { iterations: it, converged: false };
		const sk = new Float64Array(n);
		const yk = new Float64Array(n);
		for (let i = 0; i < n; i++) {
			sk[i] = next[i] - theta[i];
			yk[i] = nextGrad[i] - grad[i];
		}
		const sy = dot(sk, yk);
		if (sy > 1e-12) {
			if (s.length === m) (s.shift(), y.shift(), rho.shift());
			s.push(sk);
			y.push(yk);
			rho.push(1 / sy);
		}
		const relative = Math.abs(value - nextValue) / Math.max(Math.abs(value), Math.abs(nextValue), 1);
		theta.set(next);
		grad.set(nextGrad);
		value = nextValue;
		options.onProgress?.(it / options.maxIter);
		if (relative < 1e-12) return { iterations: it, converged: true };
	}
	return { iterations: options.maxIter, converged: false };
}

/** The steepest-descent direction's negative for f + Σ l1ᵢ|θᵢ| (zero where 0 is optimal). */
function pseudoGradient(theta: Float64Array, grad: Float64Array, l1: Float64Array, out: Float64Array): void {
	for (let i = 0; i < theta.length; i++) {
		const lam = l1[i];
		if (lam === 0) out[i] = grad[i];
		else if (theta[i] > 0) out[i] = grad[i] + lam;
		else if (theta[i] < 0) out[i] = grad[i] - lam;
		else if (grad[i] + lam < 0) out[i] = grad[i] + lam;
		else if (grad[i] - lam > 0) out[i] = grad[i] - lam;
		else out[i] = 0;
	}
}

function l1Norm(theta: Float64Array, l1: Float64Array): number {
	let s = 0;
	for (let i = 0; i < theta.length; i++) s += l1[i] * Math.abs(theta[i]);
	return s;
}

function dot(a: Float64Array, b: Float64Array): number {
	let s = 0;
	for (let i = 0; i < a.length; i++) s += a[i] * b[i];
	return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
	for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}

function norm(a: Float64Array): number {
	return Math.sqrt(dot(a, a));
}

function maxAbs(a: Float64Array): number {
	let m = 0;
	for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
	return m;
}
