import { DataType } from './onnx-builder';
import {
	activate,
	bool,
	fail,
	findWeight,
	num,
	toChannelsFirst,
	toChannelsLast,
	weight,
	type LayerContext,
	type LayerMapper
} from './onnx-layer-context';

/** Dense, normalisation, embedding, shape, activation and merge layers. */

const identity: LayerMapper = (ctx) => ctx.inputs[0];

function single(ctx: LayerContext): string {
	if (ctx.inputs.length !== 1) fail(ctx, `expected one input, got ${ctx.inputs.length}`);
	return ctx.inputs[0];
}

const dense: LayerMapper = (ctx) => {
	const { g } = ctx;
	const x = single(ctx);
	const kernel = weight(ctx, 'kernel');
	const w = g.float(`${ctx.layer.name}/kernel`, kernel.data, kernel.shape);
	const bias = bool(ctx, 'useBias', true) ? weight(ctx, 'bias') : undefined;
	const b = bias ? g.float(`${ctx.layer.name}/bias`, bias.data, bias.shape) : undefined;
	let y: string;
	// Gemm only takes matrices; a Dense on [batch, time, features] applies to the last axis.
	if (ctx.inputShapes[0].length === 2) y = g.node('Gemm', b ? [x, w, b] : [x, w]);
	else {
		y = g.node('MatMul', [x, w]);
		if (b) y = g.node('Add', [y, b]);
	}
	return activate(ctx, y);
};

/** Normalisation over the last axis only: the tfjs default and all Kiln builds. */
function lastAxis(ctx: LayerContext): void {
	const rank = ctx.inputShapes[0].length;
	const axis = ctx.config.axis;
	const axes = Array.isArray(axis) ? axis : [axis ?? -1];
	if (axes.length !== 1 || (axes[0] !== -1 && axes[0] !== rank - 1)) fail(ctx, `only normalisation over the last axis is supported, got axis ${JSON.stringify(axis)}`);
}

const batchNormalization: LayerMapper = (ctx) => {
	const { g } = ctx;
	lastAxis(ctx);
	const x = single(ctx);
	const mean = weight(ctx, 'moving_mean');
	const variance = weight(ctx, 'moving_variance');
	const channels = mean.data.length;
	// scale=false / center=false drop gamma / beta; the ONNX op always needs them.
	const gamma = findWeight(ctx, 'gamma')?.data ?? new Float32Array(channels).fill(1);
	const beta = findWeight(ctx, 'beta')?.data ?? new Float32Array(channels);
	const params = [g.float(`${ctx.layer.name}/gamma`, gamma), g.float(`${ctx.layer.name}/beta`, beta), g.float(`${ctx.layer.name}/mean`, mean.data), g.float(`${ctx.layer.name}/variance`, variance.data)];
	// Keras's default epsilon is 1e-3, ONNX's 1e-5: always write it.
	const epsilon = { epsilon: { f: num(ctx, 'epsilon', 1e-3) } };
	const rank = ctx.inputShapes[0].length;
	if (rank === 2) return g.node('BatchNormalization', [x, ...params], epsilon);
	const nchw = g.node('Transpose', [x], { perm: { ints: toChannelsFirst(rank) } });
	const y = g.node('BatchNormalization', [nchw, ...params], epsilon);
	return g.node('Transpose', [y], { perm: { ints: toChannelsLast(rank) } });
};

const layerNormalization: LayerMapper = (ctx) => {
	const { g } = ctx;
	lastAxis(ctx);
	const x = single(ctx);
	const epsilon = num(ctx, 'epsilon', 1e-3);
	const size = ctx.inputShapes[0].at(-1) ?? fail(ctx, 'the last dimension needs a fixed size');
	const gamma = bool(ctx, 'scale', true) ? weight(ctx, 'gamma').data : new Float32Array(size).fill(1);
	const beta = bool(ctx, 'center', true) ? weight(ctx, 'beta').data : new Float32Array(size);
	const scale = g.float(`${ctx.layer.name}/gamma`, gamma);
	const shift = g.float(`${ctx.layer.name}/beta`, beta);
	if (g.opset >= 17) return g.node('LayerNormalization', [x, scale, shift], { axis: { i: -1 }, epsilon: { f: epsilon } });
	// Opset 13 has no LayerNormalization: the same maths as tf.moments, step by step.
	const mean = g.node('ReduceMean', [x], { axes: { ints: [-1] }, keepdims: { i: 1 } });
	const centred = g.node('Sub', [x, mean]);
	const variance = g.node('ReduceMean', [g.node('Mul', [centred, centred])], { axes: { ints: [-1] }, keepdims: { i: 1 } });
	const std = g.node('Sqrt', [g.node('Add', [variance, g.float('epsilon', [epsilon], [])])]);
	return g.node('Add', [g.node('Mul', [g.node('Div', [centred, std]), scale]), shift]);
};

const embedding: LayerMapper = (ctx) => {
	const { g } = ctx;
	if (bool(ctx, 'maskZero', false)) fail(ctx, 'maskZero (masked timesteps) has no ONNX equivalent here; rebuild the model with maskZero: false');
	const table = weight(ctx, 'embeddings');
	const ids = g.node('Cast', [single(ctx)], { to: { i: DataType.INT64 } });
	return g.node('Gather', [g.float(`${ctx.layer.name}/embeddings`, table.data, table.shape), ids], { axis: { i: 0 } });
};

const flatten: LayerMapper = (ctx) => {
	if (ctx.config.dataFormat === 'channelsFirst') fail(ctx, 'channelsFirst data is not supported');
	// Values stay NHWC, so flattening keeps tfjs's (H, W, C) order.
	return ctx.g.node('Flatten', [single(ctx)], { axis: { i: 1 } });
};

const reshape: LayerMapper = (ctx) => {
	const target = ctx.outputShape.slice(1).map((d) => d ?? -1);
	return ctx.g.node('Reshape', [single(ctx), ctx.g.int64('shape', [-1, ...target])]);
};

const permute: LayerMapper = (ctx) => {
	const dims = ctx.config.dims;
	if (!Array.isArray(dims)) fail(ctx, 'config "dims" should list the new axis order');
	return ctx.g.node('Transpose', [single(ctx)], { perm: { ints: [0, ...(dims as number[])] } });
};

const activation: LayerMapper = (ctx) => activate(ctx, single(ctx));

const relu: LayerMapper = (ctx) => {
	const max = ctx.config.maxValue;
	if (typeof max !== 'number') return ctx.g.node('Relu', [single(ctx)]);
	return ctx.g.node('Clip', [single(ctx), ctx.g.float('zero', [0], []), ctx.g.float('max', [max], [])]);
};

// The LeakyReLU layer's default slope is 0.3 (Keras); ONNX's is 0.01, so it is always written.
const leakyRelu: LayerMapper = (ctx) => ctx.g.node('LeakyRelu', [single(ctx)], { alpha: { f: num(ctx, 'alpha', 0.3) } });
const elu: LayerMapper = (ctx) => ctx.g.node('Elu', [single(ctx)], { alpha: { f: num(ctx, 'alpha', 1) } });
const thresholdedRelu: LayerMapper = (ctx) => ctx.g.node('ThresholdedRelu', [single(ctx)], { alpha: { f: num(ctx, 'theta', 1) } });

const softmax: LayerMapper = (ctx) => {
	const axis = ctx.config.axis ?? -1;
	if (typeof axis !== 'number') fail(ctx, 'softmax over several axes is not supported');
	return ctx.g.node('Softmax', [single(ctx)], { axis: { i: axis } });
};

const prelu: LayerMapper = (ctx) => {
	const alpha = weight(ctx, 'alpha');
	return ctx.g.node('PRelu', [single(ctx), ctx.g.float(`${ctx.layer.name}/alpha`, alpha.data, alpha.shape)]);
};

function merge(op: string): LayerMapper {
	return (ctx) => {
		if (ctx.inputs.length < 2) fail(ctx, 'a merge layer needs at least two inputs');
		// Sum, Mean, Max and Min take any number of inputs; Mul and Sub take two.
		if (op !== 'Mul' && op !== 'Sub') return ctx.g.node(op, ctx.inputs);
		return ctx.inputs.slice(1).reduce((acc, x) => ctx.g.node(op, [acc, x]), ctx.inputs[0]);
	};
}

const concatenate: LayerMapper = (ctx) => {
	const rank = ctx.outputShape.length;
	const axis = num(ctx, 'axis', -1);
	return ctx.g.node('Concat', ctx.inputs, { axis: { i: axis < 0 ? axis + rank : axis } });
};

export const CORE_LAYERS: Record<string, LayerMapper> = {
	Dense: dense,
	Dropout: identity,
	SpatialDropout1D: identity,
	SpatialDropout2D: identity,
	AlphaDropout: identity,
	GaussianDropout: identity,
	GaussianNoise: identity,
	ActivityRegularization: identity,
	BatchNormalization: batchNormalization,
	LayerNormalization: layerNormalization,
	Embedding: embedding,
	Flatten: flatten,
	Reshape: reshape,
	Permute: permute,
	Activation: activation,
	ReLU: relu,
	LeakyReLU: leakyRelu,
	ELU: elu,
	ThresholdedReLU: thresholdedRelu,
	Softmax: softmax,
	PReLU: prelu,
	Add: merge('Sum'),
	Multiply: merge('Mul'),
	Subtract: merge('Sub'),
	Average: merge('Mean'),
	Maximum: merge('Max'),
	Minimum: merge('Min'),
	Concatenate: concatenate
};
