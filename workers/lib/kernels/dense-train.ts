import { getKernel, registerKernel } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { adamSimdFor } from './adam-simd';
import { hostKernel, type Values } from './host-arrays';

/**
 * Kiln's own kernels for one training step of a Dense stack (mlp/fused-step.ts), on wasm and cpu.
 * Each replaces a chain of tfjs kernels by one host pass; the arithmetic is tfjs's own, op by op
 * in float32 (Math.fround after every operation), so on the cpu backend the results are the very
 * bits tfjs's kernels give, and on wasm they differ only where its C++ exp/log round otherwise.
 */
export const DENSE_LOSS = 'KilnDenseLoss';
export const RELU_BACKWARD = 'KilnReluBackward';
export const SMOOTH_BACKWARD = 'KilnSmoothBackward';
export const ADAM_UPDATE = 'KilnAdamUpdate';
export const COLUMN_SUMS = 'KilnColumnSums';

const f = Math.fround;

/** Σ over rows of an n × c matrix, each column summed in float64 and rounded once, as the cpu backend's Sum does. */
function columnSums(m: Float32Array | Int32Array, n: number, c: number, out: Float32Array | Int32Array): void {
	const sums = new Float64Array(c);
	for (let at = 0; at < n * c; at += c) for (let k = 0; k < c; k++) sums[k] += m[at + k];
	out.set(sums);
}

export interface DenseLossAttrs {
	/** 'softmax-ce': logits [n, c] and int32 class indices [n]; 'mse': outputs and float targets [n, k]. */
	loss: 'softmax-ce' | 'mse';
}

/**
 * The loss of a batch with its gradient: outputs [loss (scalar), d loss/d out (n × c), Σ rows of
 * that gradient (the output bias's gradient)]. Softmax cross-entropy is losses.ts'
 * softmaxCrossEntropy (logSumExp as tfjs computes it, mean over rows, gradient (softmax − one-hot)
 * · 1/n; a label outside [0, c) is a row of zeros as tf.oneHot makes it); mse is
 * tf.losses.meanSquaredError (mean over every value, gradient 2 (out − y) / size). With an input
 * `weights` [n] the loss is the weighted mean Σ wᵣLᵣ / Σ wᵣ of the per-row losses (for mse the
 * squared errors summed over the row), as trust/weighted-step.ts and mlp/step.ts compute it, and
 * row r's gradient is scaled by wᵣ / Σ w instead of 1/n.
 */
export const denseLoss: KernelFunc = ({ inputs, attrs, backend }) => {
	const { out, target, weights } = inputs as { out: TensorInfo; target: TensorInfo; weights?: TensorInfo };
	const { loss } = attrs as unknown as DenseLossAttrs;
	const [n, c] = out.shape;
	const host = hostKernel(backend, weights ? [out, target, weights] : [out, target], [{ shape: [] }, { shape: [n, c] }, { shape: [c] }]);
	const [x, y, w] = host.inputs;
	const [value, grad, bias] = host.outputs;
	let weightSum = 0;
	if (w) for (let r = 0; r < n; r++) weightSum += w[r];
	const perWeight = f(1 / f(weightSum));
	// The factor on row r's gradient (the 2 of the squared error comes in below).
	const rowScale = (r: number) => (w ? f(perWeight * w[r]) : loss === 'mse' ? f(1 / (n * c)) : f(1 / n));
	let total = 0;
	for (let r = 0, at = 0; r < n; r++, at += c) {
		const scale = rowScale(r);
		let rowLoss = 0;
		if (loss === 'mse') {
			for (let k = 0; k < c; k++) {
				const d = f(x[at + k] - y[at + k]);
				rowLoss += f(d * d);
				grad[at + k] = f(f(2 * d) * scale);
			}
		} else {
			let max = x[at];
			for (let k = 1; k < c; k++) if (x[at + k] > max || Number.isNaN(x[at + k])) max = x[at + k];
			let sum = 0;
			for (let k = 0; k < c; k++) sum += f(Math.exp(f(x[at + k] - max)));
			const lse = f(max + f(Math.log(f(sum))));
			const label = y[r];
			for (let k = 0; k < c; k++) {
				const logSoftmax = f(x[at + k] - lse);
				const hot = k === label ? 1 : 0;
				if (hot) rowLoss -= logSoftmax;
				grad[at + k] = f(f(f(Math.exp(logSoftmax)) - hot) * scale);
			}
		}
		total += w ? f(f(rowLoss) * w[r]) : rowLoss;
	}
	value[0] = w ? f(f(total) / f(weightSum)) : f(f(total) / (loss === 'mse' ? n * c : n));
	columnSums(grad, n, c, bias);
	return host.infos;
};

/** dz = dy where y = relu(z) > 0, else 0, and db = Σ rows of dz: outputs [dz, db]. */
export const reluBackward: KernelFunc = ({ inputs, backend }) => {
	const { dy, y } = inputs as { dy: TensorInfo; y: TensorInfo };
	const [n, c] = y.shape;
	const host = hostKernel(backend, [dy, y], [{ shape: [n, c] }, { shape: [c] }]);
	const [g, h] = host.inputs;
	const [dz, db] = host.outputs;
	for (let r = 0, at = 0; r < n; r++, at += c) {
		for (let k = 0; k < c; k++) {
			const v = h[at + k] > 0 ? g[at + k] : 0;
			dz[at + k] = v;
		}
	}
	columnSums(dz, n, c, db);
	return host.infos;
};

/**
 * Σ over the rows of x [n, c], each column in float64 rounded once: KilnReluBackward's db where the
 * relu's mask already ran inside KilnGemm (its `mask` input), so the same bits as that kernel.
 */
export const columnSumsKernel: KernelFunc = ({ inputs, backend }) => {
	const { x } = inputs as { x: TensorInfo };
	const [n, c] = x.shape;
	const host = hostKernel(backend, [x], [{ shape: [c] }]);
	columnSums(host.inputs[0], n, c, host.outputs[0]);
	return host.infos[0];
};

export interface SmoothBackwardAttrs {
	activation: 'tanh' | 'elu' | 'sigmoid' | 'gelu';
}

const ERF_FACTOR = f(2 / Math.sqrt(Math.PI));
const ROOT_TWO = f(Math.SQRT2);

/*
 * One function per activation rather than four loops in one: V8 compiles each on its own, so the
 * first step of a network with another activation no longer throws away the compiled code of the
 * others, and each compiles in milliseconds. As one function (4 loops) its TurboFan compile took
 * ~100 ms of a core, during which every step re-entered the loop by on-stack replacement (34 times
 * in one search, tune bench with --trace-opt).
 */

function geluGradient(g: Values, h: Values, phi: Values, dz: Values, size: number): void {
	for (let i = 0; i < size; i++) {
		const u = f(h[i] / ROOT_TWO);
		const erfGrad = f(f(f(g[i] * h[i]) * 0.5) * f(ERF_FACTOR * f(Math.exp(-f(u * u)))));
		dz[i] = f(f(g[i] * phi[i]) + f(erfGrad / ROOT_TWO));
	}
}

function tanhGradient(g: Values, h: Values, dz: Values, size: number): void {
	for (let i = 0; i < size; i++) dz[i] = f(f(1 - f(h[i] * h[i])) * g[i]);
}

function sigmoidGradient(g: Values, h: Values, dz: Values, size: number): void {
	for (let i = 0; i < size; i++) dz[i] = f(g[i] * f(h[i] * f(1 - h[i])));
}

function eluGradient(g: Values, h: Values, dz: Values, size: number): void {
	for (let i = 0; i < size; i++) dz[i] = h[i] >= 0 ? g[i] : f(g[i] * f(h[i] + 1));
}

/**
 * dz = dy · f'(z) from the activation's output y, and db = Σ rows of dz: outputs [dz, db]. The
 * factors are tfjs's gradients with their float32 roundings: tanh (1 − y²)·dy, sigmoid
 * dy·(y·(1 − y)), elu (α = 1, as tf.elu) dy where y ≥ 0 else dy·(y + 1), as its EluGrad. GELU's
 * factor needs the pre-activation, so for it `y` is z and `cdf` is Φ(z) as its forward made it:
 * dy·Φ(z) + ((dy·z)·0.5 · (2/√π)·exp(−u²)) / √2 with u = z / √2, tfjs's chain of Mul, Add, Erf
 * and Div gradients in that order.
 */
export const smoothBackward: KernelFunc = ({ inputs, attrs, backend }) => {
	const { dy, y, cdf } = inputs as { dy: TensorInfo; y: TensorInfo; cdf?: TensorInfo };
	const { activation } = attrs as unknown as SmoothBackwardAttrs;
	const [n, c] = y.shape;
	const host = hostKernel(backend, cdf ? [dy, y, cdf] : [dy, y], [{ shape: [n, c] }, { shape: [c] }]);
	const [g, h, phi] = host.inputs;
	const [dz, db] = host.outputs;
	const size = n * c;
	switch (activation) {
		case 'gelu':
			geluGradient(g, h, phi, dz, size);
			break;
		case 'tanh':
			tanhGradient(g, h, dz, size);
			break;
		case 'sigmoid':
			sigmoidGradient(g, h, dz, size);
			break;
		default:
			eluGradient(g, h, dz, size);
	}
	columnSums(dz, n, c, db);
	return host.infos;
};

export interface AdamUpdateAttrs {
	learningRate: number;
	beta1: number;
	beta2: number;
	epsilon: number;
	/** β₁ᵗ and β₂ᵗ as the optimiser holds them (float32 running products). */
	accBeta1: number;
	accBeta2: number;
	/**
	 * Per variable: the L2 factor whose penalty gradient 2·l2·w joins the loss gradient (0: none).
	 * The fused steps pass a Float64Array: a plain array of zeros and one holding 0.001 are different
	 * kinds of array to V8, and a run after a warm-up with the other kind deoptimised this kernel.
	 */
	l2: ArrayLike<number>;
	/** Per variable: its gradient comes transposed ([cols, rows] for a [rows, cols] kernel). */
	transposed: boolean[];
}

/**
 * tfjs's AdamOptimizer.applyGradients for every variable in one pass each, instead of its
 * eleven kernels per variable. Inputs `value{i}`, `grad{i}`, `m{i}`, `v{i}`; outputs the new
 * value, first and second moment of each variable in that order. The operations and their
 * float32 roundings are tfjs's (adam_optimizer.ts): m' = m·β₁ + g·(1−β₁), v' = v·β₂ + g²·(1−β₂),
 * w' = (m'/(1−β₁ᵗ)) / (√(v'/(1−β₂ᵗ)) + ε) · (−lr) + w. An L2 term adds l2·(2w) to g first, as
 * tfjs's gradient of l2·Σw² does.
 */
export const adamUpdate: KernelFunc = ({ inputs, attrs, backend }) => {
	const a = attrs as unknown as AdamUpdateAttrs;
	const count = a.l2.length;
	const ins = adamInputs(inputs as Record<string, TensorInfo>, count);
	const outs: { shape: number[] }[] = [];
	for (let j = 0; j < ins.length; j++) if (j % 4 !== 1) outs.push({ shape: ins[j].shape });
	const host = hostKernel(backend, ins, outs);
	const beta1 = f(a.beta1);
	const beta2 = f(a.beta2);
	const keep1 = f(1 - a.beta1);
	const keep2 = f(1 - a.beta2);
	const correct1 = f(1 - a.accBeta1);
	const correct2 = f(1 - a.accBeta2);
	const epsilon = f(a.epsilon);
	const step = f(-a.learningRate);
	const simd = heapMemory(backend, host.inputs[0]);
	for (let i = 0; i < count; i++) {
		// Indexed, not sliced and destructured: see hostKernel on the arrays' kind.
		const w = host.inputs[4 * i];
		const g = host.inputs[4 * i + 1];
		const m = host.inputs[4 * i + 2];
		const v = host.inputs[4 * i + 3];
		const w2 = host.outputs[3 * i];
		const m2 = host.outputs[3 * i + 1];
		const v2 = host.outputs[3 * i + 2];
		const l2 = f(a.l2[i]);
		const shape = ins[4 * i].shape;
		let done = 0;
		if (simd && !a.transposed[i]) {
			done = w.length - (w.length % 4);
			(l2 !== 0 ? simd.adamL2 : simd.adam)(w.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, w2.byteOffset, m2.byteOffset, v2.byteOffset, done * 4, beta1, keep1, beta2, keep2, correct1, correct2, epsilon, step, l2);
		}
		// A transposed gradient of a [rows, cols] kernel is read at (col, row).
		const cols = a.transposed[i] ? shape[1] : 1;
		const rows = a.transposed[i] ? shape[0] : w.length;
		adamRest(w, g, m, v, w2, m2, v2, done, rows, cols, l2, beta1, keep1, beta2, keep2, correct1, correct2, epsilon, step);
	}
	return host.infos;
};

/**
 * The kernel's inputs in order. Apart from adamUpdate and adamRest, so each is small and sees one
 * kind of object: the inputs record has as many keys as the model has variables (a new shape of
 * object for V8 at each new depth), and the big loop recompiled (~80 ms of TurboFan) each time that
 * changed in a tune search.
 */
function adamInputs(inputs: Record<string, TensorInfo>, count: number): TensorInfo[] {
	const ins: TensorInfo[] = [];
	for (let i = 0; i < count; i++) ins.push(inputs[`value${i}`], inputs[`grad${i}`], inputs[`m${i}`], inputs[`v${i}`]);
	return ins;
}

/** Adam on the values from index `done` on (all of them on cpu, the SIMD pass's remainder on wasm). */
function adamRest(w: Values, g: Values, m: Values, v: Values, w2: Values, m2: Values, v2: Values, done: number, rows: number, cols: number, l2: number, beta1: number, keep1: number, beta2: number, keep2: number, correct1: number, correct2: number, epsilon: number, step: number): void {
	for (let r = done, j = done; r < rows; r++) {
		for (let c = 0; c < cols; c++, j++) {
			let grad = g[c * rows + r];
			if (l2 !== 0) grad = f(grad + f(l2 * f(2 * w[j])));
			const mNew = f(f(m[j] * beta1) + f(grad * keep1));
			const vNew = f(f(v[j] * beta2) + f(f(grad * grad) * keep2));
			m2[j] = mNew;
			v2[j] = vNew;
			const denominator = f(f(Math.sqrt(f(vNew / correct2))) + epsilon);
			w2[j] = f(f(f(f(mNew / correct1) / denominator) * step) + w[j]);
		}
	}
}

function wasmMemory(backend: unknown): WebAssembly.Memory | undefined {
	const module = (backend as { wasm?: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } } }).wasm;
	// The threaded build exports its (shared) memory as wasmMemory, the single-threaded one as asm.memory.
	return module?.wasmMemory ?? module?.asm?.memory;
}

/** The SIMD update bound to tfjs-backend-wasm's memory when `view` lies in it; null on cpu or without SIMD. */
function heapMemory(backend: unknown, view: Float32Array | Int32Array | undefined) {
	const memory = wasmMemory(backend);
	if (!memory || !view || view.buffer !== memory.buffer) return null;
	return adamSimdFor(memory);
}

/** Whether Adam updates on `backend` take the WebAssembly SIMD pass (for specs and the bench's report). */
export function adamUsesSimd(backend: unknown): boolean {
	const memory = wasmMemory(backend);
	return !!memory && adamSimdFor(memory) !== null;
}

/** Register the kernels for the wasm and cpu backends (their host views work on both); a no-op once done. */
export function registerDenseTrainKernels(): void {
	for (const backendName of ['wasm', 'cpu']) {
		for (const [kernelName, kernelFunc] of [
			[DENSE_LOSS, denseLoss],
			[RELU_BACKWARD, reluBackward],
			[COLUMN_SUMS, columnSumsKernel],
			[SMOOTH_BACKWARD, smoothBackward],
			[ADAM_UPDATE, adamUpdate]
		] as const) {
			if (!getKernel(kernelName, backendName)) registerKernel({ kernelName, backendName, kernelFunc });
		}
	}
}
