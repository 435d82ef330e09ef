import type { GraphBuilder } from './onnx-builder';

/**
 * tfjs activation names (as `getConfig()` serialises them) → ONNX nodes with the same maths.
 * Constants are tfjs's own: hardSigmoid is clip(0.2x + 0.5, 0, 1), selu uses tfjs-core's
 * SELU_SCALEALPHA and SELU_SCALE, gelu is the erf form and gelu_new the tanh approximation.
 */

const SELU_ALPHA = 1.6732632423543772;
const SELU_GAMMA = 1.0507009873554805;

export const ACTIVATIONS = ['linear', 'relu', 'relu6', 'sigmoid', 'hardSigmoid', 'tanh', 'softmax', 'logSoftmax', 'elu', 'selu', 'softplus', 'softsign', 'swish', 'mish', 'gelu', 'gelu_new'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export function isActivation(name: unknown): name is ActivationName {
	return typeof name === 'string' && (ACTIVATIONS as readonly string[]).includes(name);
}

/** Returns the activated value (or `x` itself for linear). */
export function applyActivation(g: GraphBuilder, x: string, name: ActivationName): string {
	switch (name) {
		case 'linear':
			return x;
		case 'relu':
			return g.node('Relu', [x]);
		case 'relu6':
			return g.node('Clip', [x, g.float('zero', [0], []), g.float('six', [6], [])]);
		case 'sigmoid':
			return g.node('Sigmoid', [x]);
		case 'hardSigmoid':
			return g.node('HardSigmoid', [x], { alpha: { f: 0.2 }, beta: { f: 0.5 } });
		case 'tanh':
			return g.node('Tanh', [x]);
		case 'softmax':
			return g.node('Softmax', [x], { axis: { i: -1 } });
		case 'logSoftmax':
			return g.node('LogSoftmax', [x], { axis: { i: -1 } });
		case 'elu':
			return g.node('Elu', [x], { alpha: { f: 1 } });
		case 'selu':
			return g.node('Selu', [x], { alpha: { f: SELU_ALPHA }, gamma: { f: SELU_GAMMA } });
		case 'softplus':
			return g.node('Softplus', [x]);
		case 'softsign':
			return g.node('Softsign', [x]);
		case 'swish':
			return g.node('Mul', [x, g.node('Sigmoid', [x])]);
		case 'mish':
			return g.node('Mul', [x, g.node('Tanh', [g.node('Softplus', [x])])]);
		case 'gelu': {
			const cdf = g.node('Add', [g.float('one', [1], []), g.node('Erf', [g.node('Div', [x, g.float('sqrt2', [Math.SQRT2], [])])])]);
			return g.node('Mul', [g.node('Mul', [x, cdf]), g.float('half', [0.5], [])]);
		}
		case 'gelu_new': {
			const cube = g.node('Mul', [g.node('Mul', [x, x]), x]);
			const inner = g.node('Mul', [g.node('Add', [x, g.node('Mul', [cube, g.float('c', [0.044715], [])])]), g.float('k', [Math.sqrt(2 / Math.PI)], [])]);
			const t = g.node('Add', [g.float('one', [1], []), g.node('Tanh', [inner])]);
			return g.node('Mul', [g.node('Mul', [x, t]), g.float('half', [0.5], [])]);
		}
	}
}

/** Activations ONNX's RNN ops (LSTM, GRU) accept, with their alpha/beta. */
export function recurrentActivation(name: string): { name: string; alpha?: number; beta?: number } | null {
	switch (name) {
		case 'tanh':
			return { name: 'Tanh' };
		case 'sigmoid':
			return { name: 'Sigmoid' };
		case 'hardSigmoid':
			return { name: 'HardSigmoid', alpha: 0.2, beta: 0.5 };
		case 'relu':
			return { name: 'Relu' };
		case 'linear':
			return { name: 'Affine', alpha: 1, beta: 0 };
		case 'softsign':
			return { name: 'Softsign' };
		case 'softplus':
			return { name: 'Softplus' };
		case 'elu':
			return { name: 'Elu', alpha: 1 };
		default:
			return null;
	}
}
