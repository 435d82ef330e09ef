import { KilnError } from '$shared/errors';

/**
 * Limited-memory BFGS (Nocedal & Wright, alg. 7.4/7.5) with a backtracking Armijo line search:
 * enough for smooth convex objectives such as L2-regularised logistic regression, where it
 * converges in tens of iterations and is deterministic (full batch, no sampling).
 */
export interface LbfgsOptions {
	maxIterations: number;
	memory?: number;
	/** Stop when the gradient's max-norm falls below this. */
	tolerance?: number;
	signal?: AbortSignal;
	onIteration?: (iteration: number, loss: number) => void;
}

export interface LbfgsResult {
	x: Float64Array;
	loss: number;
	iterations: number;
	converged: boolean;
}

/** `objective(x, grad)` returns f(x) and writes ∇f(x) into grad. */
export function lbfgs(objective: (x: Float64Array, grad: Float64Array) => number, x0: Float64Array, options: LbfgsOptions): LbfgsResult {
	const n = x0.length;
	const m = options.memory ?? 10;
	const tol = options.tolerance ?? 1e-5;
	const x = Float64Array.from(x0);
	const g = new Float64Array(n);
	let f = objective(x, g);
	const s: Float64Array[] = [];
	const y: Float64Array[] = [];
	const rho: number[] = [];
	const d = new Float64Array(n);
	const xNew = new Float64Array(n);
	const gNew = new Float64Array(n);
	const alpha = new Float64Array(m);
	const dot = (a: Float64Array, b: Float64Array) => {
		let t = 0;
		for (let i = 0; i < n; i++) t += a[i] * b[i];
		return t;
	};
	const maxAbs = (a: Float64Array) => a.reduce((t, v) => Math.max(t, Math.abs(v)), 0);
	let iteration = 0;
	for (; iteration < options.maxIterations; iteration++) {
		if (options.signal?.aborted) throw new KilnError('AbortError', 'Training was cancelled.');
		if (maxAbs(g) < tol) return { x, loss: f, iterations: iteration, converged: true };
		// Two-loop recursion: d = −H·g.
		for (let i = 0; i < n; i++) d[i] = -g[i];
		for (let k = s.length - 1; k >= 0; k--) {
			alpha[k] = rho[k] * dot(s[k], d);
			for (let i = 0; i < n; i++) d[i] -= alpha[k] * y[k][i];
		}
		const gamma = s.length > 0 ? dot(s[s.length - 1], y[y.length - 1]) / dot(y[y.length - 1], y[y.length - 1]) : 1 / Math.max(1, Math.sqrt(dot(g, g)));
		for (let i = 0; i < n; i++) d[i] *= gamma;
		for (let k = 0; k < s.length; k++) {
			const beta = rho[k] * dot(y[k], d);
			for (let i = 0; i < n; i++) d[i] += s[k][i] * (alpha[k] - beta);
		}
		let slope = dot(g, d);
		if (!(slope < 0)) {
			// Not a descent direction (curvature information went stale): restart from steepest descent.
			s.length = y.length = rho.length = 0;
			for (let i = 0; i < n; i++) d[i] = -g[i] / Math.max(1, Math.sqrt(dot(g, g)));
			slope = dot(g, d);
		}
		let step = 1;
		let fNew = Infinity;
		for (let tries = 0; tries < 40; tries++) {
			for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
			fNew = objective(xNew, gNew);
			if (Number.isFinite(fNew) && fNew <= f + 1e-4 * step * slope) break;
			step *= 0.5;
		}
		if (!(fNew < f)) return { x, loss: f, iterations: iteration, converged: true };
		const sk = new Float64Array(n);
		const yk = new Float64Array(n);
		for (let i = 0; i < n; i++) {
			sk[i] = xNew[i] - x[i];
			yk[i] = gNew[i] - g[i];
		}
		const sy = dot(sk, yk);
		if (sy > 1e-12) {
			s.push(sk);
			y.push(yk);
			rho.push(1 / sy);
			if (s.length > m) {
				s.shift();
				y.shift();
				rho.shift();
			}
		}
		const relative = Math.abs(f - fNew) / Math.max(Math.abs(f), Math.abs(fNew), 1);
		x.set(xNew);
		g.set(gNew);
		f = fNew;
		options.onIteration?.(iteration + 1, f);
		if (relative < 1e-10) return { x, loss: f, iterations: iteration + 1, converged: true };
	}
	return { x, loss: f, iterations: iteration, converged: maxAbs(g) < tol };
}
