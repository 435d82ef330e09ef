import { recurrentActivation } from './onnx-activations';
import { bool, fail, num, str, weight, type LayerContext, type LayerMapper } from './onnx-layer-context';

/**
 * LSTM, GRU and SimpleRNN → ONNX LSTM, GRU and RNN. tfjs runs [batch, time, features]; the ONNX
 * ops run [time, batch, features], so the input is transposed in and Y transposed back.
 */

/**
 * tfjs kernel [in, gates·H] (gate blocks side by side in tfjs order) → ONNX [gates·H, in] with
 * the blocks in ONNX order; `order[k]` is the tfjs gate that becomes ONNX gate k.
 */
function gateMatrix(data: Float32Array, rows: number, units: number, order: number[]): Float32Array {
	const gates = order.length;
	const out = new Float32Array(rows * gates * units);
	for (let k = 0; k < gates; k++) {
		const source = order[k];
		for (let h = 0; h < units; h++) {
			for (let r = 0; r < rows; r++) out[(k * units + h) * rows + r] = data[r * gates * units + source * units + h];
		}
	}
	return out;
}

function gateVector(data: Float32Array, units: number, order: number[]): Float32Array {
	const out = new Float32Array(order.length * units);
	order.forEach((source, k) => out.set(data.subarray(source * units, (source + 1) * units), k * units));
	return out;
}

/** ONNX lists one alpha/beta per activation that takes one, in activation order (as ORT reads them). */
function activationAttrs(ctx: LayerContext, names: string[]) {
	const alphas: number[] = [];
	const betas: number[] = [];
	const onnxNames = names.map((name) => {
		const a = recurrentActivation(name) ?? fail(ctx, `activation "${name}" is not one ONNX recurrent ops support`);
		if (a.alpha !== undefined) alphas.push(a.alpha);
		if (a.beta !== undefined) betas.push(a.beta);
		return a.name;
	});
	return {
		activations: { strings: onnxNames },
		...(alphas.length > 0 ? { activation_alpha: { floats: alphas } } : {}),
		...(betas.length > 0 ? { activation_beta: { floats: betas } } : {})
	};
}

function recurrent(op: 'LSTM' | 'GRU' | 'RNN', order: number[]): LayerMapper {
	return (ctx) => {
		const { g } = ctx;
		if (bool(ctx, 'stateful', false)) fail(ctx, 'stateful recurrent layers are not supported');
		if (bool(ctx, 'returnState', false)) fail(ctx, 'returnState is not supported');
		const sequences = bool(ctx, 'returnSequences', false);
		const backwards = bool(ctx, 'goBackwards', false);
		// tfjs returns a backwards sequence in reversed time order; ONNX's reverse direction does not.
		if (backwards && sequences) fail(ctx, 'goBackwards together with returnSequences is not supported');
		const units = num(ctx, 'units');
		const inputSize = ctx.inputShapes[0][2] ?? fail(ctx, 'the feature dimension needs a fixed size');
		const gates = order.length;
		const kernel = weight(ctx, 'kernel');
		const recurrentKernel = weight(ctx, 'recurrent_kernel');
		const bias = new Float32Array(2 * gates * units);
		if (bool(ctx, 'useBias', true)) bias.set(gateVector(weight(ctx, 'bias').data, units, order));
		const w = g.float(`${ctx.layer.name}/W`, gateMatrix(kernel.data, inputSize, units, order), [1, gates * units, inputSize]);
		const r = g.float(`${ctx.layer.name}/R`, gateMatrix(recurrentKernel.data, units, units, order), [1, gates * units, units]);
		const b = g.float(`${ctx.layer.name}/B`, bias, [1, 2 * gates * units]);
		const activation = str(ctx, 'activation', 'tanh');
		const names = op === 'RNN' ? [activation] : op === 'GRU' ? [str(ctx, 'recurrentActivation', 'hardSigmoid'), activation] : [str(ctx, 'recurrentActivation', 'hardSigmoid'), activation, activation];
		const attrs = {
			hidden_size: { i: units },
			direction: { s: backwards ? 'reverse' : 'forward' },
			...activationAttrs(ctx, names),
			// tfjs's GRU applies the reset gate before the recurrent matmul.
			...(op === 'GRU' ? { linear_before_reset: { i: 0 } } : {})
		};
		const timeMajor = g.node('Transpose', [ctx.inputs[0]], { perm: { ints: [1, 0, 2] } });
		const outputs = g.nodeOutputs(op, [timeMajor, w, r, b], attrs, { outputs: 2 });
		const axis0 = g.int64('axes', [0]);
		if (!sequences) return g.node('Squeeze', [outputs[1], axis0]);
		const y = g.node('Squeeze', [outputs[0], g.int64('axes', [1])]);
		return g.node('Transpose', [y], { perm: { ints: [1, 0, 2] } });
	};
}

export const RECURRENT_LAYERS: Record<string, LayerMapper> = {
	// tfjs gates [i, f, c, o] → ONNX [i, o, f, c]
	LSTM: recurrent('LSTM', [0, 3, 1, 2]),
	// tfjs [z, r, h] is ONNX's order already
	GRU: recurrent('GRU', [0, 1, 2]),
	SimpleRNN: recurrent('RNN', [0])
};
