import type * as tfl from '@tensorflow/tfjs-layers';
import { KilnError } from '$shared/errors';

/**
 * A Sequential Dense stack's inference as plain JavaScript over the model's own weights, read
 * once from the tfjs model: for one form row the tensors, kernel dispatch and read-back cost
 * far more than the few thousand multiply-adds. Sums run in float64 (tfjs sums in float32), so
 * outputs agree with tfjs to float32 rounding; the spec holds them within 1e-6 on real data.
 * Anything else (other layers or activations) gives null and keeps tfjs.
 */

type Activation = (v: number) => number;

const ACTIVATIONS: Record<string, Activation> = {
	linear: (v) => v,
	relu: (v) => (v > 0 ? v : 0),
	tanh: Math.tanh,
	sigmoid: (v) => 1 / (1 + Math.exp(-v)),
	elu: (v) => (v > 0 ? v : Math.expm1(v))
};

/** A step as data (activations by name), so the forward can be handed to another worker (the prediction lane). */
export type PlainStep =
	| { kind: 'dense'; inputs: number; units: number; kernel: Float64Array; bias: Float64Array | null; activation: string }
	| { kind: 'activation'; activation: string }
	| { kind: 'batchnorm'; scale: Float64Array; shift: Float64Array };

export interface PlainForwardSpec {
	inputSize: number;
	steps: PlainStep[];
}

type Step =
	| { kind: 'dense'; inputs: number; units: number; kernel: Float64Array; bias: Float64Array | null; activation: Activation; out: Float64Array }
	| { kind: 'activation'; activation: Activation }
	| { kind: 'batchnorm'; scale: Float64Array; shift: Float64Array };

export interface PlainForward {
	inputSize: number;
	outputSize: number;
	/** Outputs (logits or the standardised value) of one encoded row; the returned array is reused by the next call. */
	run(x: ArrayLike<number>): Float64Array;
}

function activationOf(name: unknown): Activation | null {
	return typeof name === 'string' ? (ACTIVATIONS[name] ?? null) : null;
}

/** The model's plain forward, or null when it holds something this does not compute exactly. */
export function plainForward(model: tfl.LayersModel): PlainForward | null {
	const spec = plainForwardSpec(model);
	return spec ? forwardFromSpec(spec) : null;
}

/** The model's Dense stack as data, or null when it holds something the plain forward does not compute exactly. */
export function plainForwardSpec(model: tfl.LayersModel): PlainForwardSpec | null {
	if (model.inputs.length !== 1 || model.outputs.length !== 1 || model.inputs[0].shape.length !== 2) return null;
	const steps: PlainStep[] = [];
	let width = model.inputs[0].shape[1];
	if (typeof width !== 'number') return null;
	const inputSize = width;
	for (const layer of model.layers) {
		const name = layer.getClassName();
		const config = layer.getConfig();
		if (name === 'InputLayer' || name === 'Dropout') continue;
		if (name === 'Activation') {
			if (!activationOf(config.activation)) return null;
			steps.push({ kind: 'activation', activation: config.activation as string });
		} else if (name === 'Dense') {
			const weights = layer.getWeights();
			if (!activationOf(config.activation) || weights.length !== (config.useBias ? 2 : 1) || weights[0].rank !== 2) return null;
			const [inputs, units] = weights[0].shape;
			if (inputs !== width) return null;
			const kernel = Float64Array.from(weights[0].dataSync());
			const bias = config.useBias ? Float64Array.from(weights[1].dataSync()) : null;
			steps.push({ kind: 'dense', inputs, units, kernel, bias, activation: config.activation as string });
			width = units;
		} else if (name === 'BatchNormalization') {
			// Inference: gamma · (x − moving mean) / √(moving variance + ε) + beta, folded to x · scale + shift.
			const c = config as { epsilon?: number; center?: boolean; scale?: boolean; axis?: number | number[] };
			if (c.center === false || c.scale === false || (c.axis !== undefined && c.axis !== -1 && !(Array.isArray(c.axis) && c.axis.length === 1 && c.axis[0] === -1))) return null;
			const weights = layer.getWeights().map((w) => w.dataSync());
			if (weights.length !== 4 || weights[0].length !== width) return null;
			const [gamma, beta, mean, variance] = weights;
			const epsilon = Number(c.epsilon ?? 1e-3);
			const scale = Float64Array.from(gamma, (g, j) => g / Math.sqrt(variance[j] + epsilon));
			steps.push({ kind: 'batchnorm', scale, shift: Float64Array.from(beta, (b, j) => b - mean[j] * scale[j]) });
		} else {
			return null;
		}
	}
	return steps.some((s) => s.kind === 'dense') ? { inputSize, steps } : null;
}

/** The forward over a spec (from plainForwardSpec, possibly through a structured clone). */
export function forwardFromSpec(spec: PlainForwardSpec): PlainForward {
	const { inputSize } = spec;
	let outputSize = inputSize;
	const steps: Step[] = spec.steps.map((s) => {
		if (s.kind === 'batchnorm') return s;
		const activation = activationOf(s.activation);
		if (!activation) throw new KilnError('ModelFormatError', `The plain JavaScript forward pass has no activation "${s.activation}".`);
		if (s.kind === 'activation') return { kind: 'activation', activation };
		outputSize = s.units;
		return { ...s, activation, out: new Float64Array(s.units) };
	});
	const buffer = new Float64Array(inputSize);
	return {
		inputSize,
		outputSize,
		run(x) {
			let h: Float64Array = buffer;
			for (let i = 0; i < inputSize; i++) h[i] = x[i];
			for (const step of steps) {
				if (step.kind === 'dense') {
					const { inputs, units, kernel, bias, activation, out } = step;
					if (bias) out.set(bias);
					else out.fill(0);
					for (let i = 0; i < inputs; i++) {
						const v = h[i];
						// One-hot inputs are mostly zeros.
						if (v === 0) continue;
						const row = i * units;
						for (let j = 0; j < units; j++) out[j] += v * kernel[row + j];
					}
					for (let j = 0; j < units; j++) out[j] = activation(out[j]);
					h = out;
				} else if (step.kind === 'activation') {
					for (let j = 0; j < h.length; j++) h[j] = step.activation(h[j]);
				} else {
					for (let j = 0; j < h.length; j++) h[j] = h[j] * step.scale[j] + step.shift[j];
				}
			}
			return h;
		}
	};
}
