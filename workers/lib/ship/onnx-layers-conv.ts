import {
	activate,
	bool,
	fail,
	fixedDims,
	ints,
	str,
	toChannelsFirst,
	toChannelsLast,
	transposeData,
	weight,
	type LayerContext,
	type LayerMapper
} from './onnx-layer-context';

/**
 * Convolution and pooling. tfjs keeps images channels-last (NHWC); ONNX Conv and Pool want
 * NCHW, so each op is wrapped in a pair of Transposes and its kernel is permuted once here.
 */

function channelsLast(ctx: LayerContext): void {
	const format = ctx.config.dataFormat;
	if (format !== undefined && format !== 'channelsLast') fail(ctx, `data format "${String(format)}" is not supported, only channelsLast`);
}

/**
 * Explicit pads reproducing TensorFlow's SAME rule: total = max((ceil(n/s) − 1)·s + k − n, 0),
 * with the odd pixel at the end (SAME_UPPER). Returned in ONNX order [begins..., ends...].
 */
export function samePads(sizes: number[], kernel: number[], strides: number[], dilations: number[]): number[] {
	const begins: number[] = [];
	const ends: number[] = [];
	sizes.forEach((n, i) => {
		const k = (kernel[i] - 1) * dilations[i] + 1;
		const total = Math.max((Math.ceil(n / strides[i]) - 1) * strides[i] + k - n, 0);
		begins.push(Math.floor(total / 2));
		ends.push(total - Math.floor(total / 2));
	});
	return [...begins, ...ends];
}

function pads(ctx: LayerContext, kernel: number[], strides: number[], dilations: number[]): number[] {
	const padding = str(ctx, 'padding', 'valid');
	const spatial = fixedDims(ctx, ctx.inputShapes[0], 'padding').slice(0, -1);
	if (padding === 'valid') return new Array<number>(spatial.length * 2).fill(0);
	if (padding === 'same') return samePads(spatial, kernel, strides, dilations);
	return fail(ctx, `padding "${padding}" is not supported`);
}

/** NHWC → op in NCHW → NHWC. */
function wrapped(ctx: LayerContext, op: (nchw: string) => string): string {
	const rank = ctx.inputShapes[0].length;
	const nchw = ctx.g.node('Transpose', [ctx.inputs[0]], { perm: { ints: toChannelsFirst(rank) } });
	return ctx.g.node('Transpose', [op(nchw)], { perm: { ints: toChannelsLast(rank) } });
}

/** tfjs kernel [k..., ci, co] → ONNX [co, ci, k...]. */
function convKernel(data: Float32Array, shape: number[]): { data: Float32Array; shape: number[] } {
	const rank = shape.length;
	return transposeData(data, shape, [rank - 1, rank - 2, ...Array.from({ length: rank - 2 }, (_, i) => i)]);
}

/** tfjs depthwise kernel [k..., ci, m] → ONNX grouped kernel [ci·m, 1, k...]; output channel c·m + j. */
function depthwiseKernel(data: Float32Array, shape: number[]): { data: Float32Array; shape: number[] } {
	const spatial = shape.slice(0, -2);
	const [ci, m] = shape.slice(-2);
	const flat = [...spatial, ci * m];
	const t = transposeData(data, flat, [flat.length - 1, ...spatial.map((_, i) => i)]);
	return { data: t.data, shape: [ci * m, 1, ...spatial] };
}

function convGeometry(ctx: LayerContext, dims: number) {
	const kernel = ints(ctx, 'kernelSize', dims);
	const strides = ints(ctx, 'strides', dims, new Array<number>(dims).fill(1));
	const dilations = ints(ctx, 'dilationRate', dims, new Array<number>(dims).fill(1));
	if (strides.some((s) => s > 1) && dilations.some((d) => d > 1)) fail(ctx, 'strides and dilation together are not supported');
	return { kernel, strides, dilations, pads: pads(ctx, kernel, strides, dilations) };
}

function conv(dims: number): LayerMapper {
	return (ctx) => {
		channelsLast(ctx);
		const { g } = ctx;
		const { kernel, strides, dilations, pads: p } = convGeometry(ctx, dims);
		const k = weight(ctx, 'kernel');
		const w = convKernel(k.data, k.shape);
		const inputs = [g.float(`${ctx.layer.name}/kernel`, w.data, w.shape)];
		if (bool(ctx, 'useBias', true)) inputs.push(g.float(`${ctx.layer.name}/bias`, weight(ctx, 'bias').data));
		const y = wrapped(ctx, (x) => g.node('Conv', [x, ...inputs], { kernel_shape: { ints: kernel }, strides: { ints: strides }, dilations: { ints: dilations }, pads: { ints: p }, group: { i: 1 } }));
		return activate(ctx, y);
	};
}

const depthwiseConv2d: LayerMapper = (ctx) => {
	channelsLast(ctx);
	const { g } = ctx;
	const { kernel, strides, dilations, pads: p } = convGeometry(ctx, 2);
	const k = weight(ctx, 'depthwise_kernel');
	const w = depthwiseKernel(k.data, k.shape);
	const inputs = [g.float(`${ctx.layer.name}/depthwise_kernel`, w.data, w.shape)];
	if (bool(ctx, 'useBias', true)) inputs.push(g.float(`${ctx.layer.name}/bias`, weight(ctx, 'bias').data));
	const groups = k.shape[2];
	const y = wrapped(ctx, (x) => g.node('Conv', [x, ...inputs], { kernel_shape: { ints: kernel }, strides: { ints: strides }, dilations: { ints: dilations }, pads: { ints: p }, group: { i: groups } }));
	return activate(ctx, y);
};

const separableConv2d: LayerMapper = (ctx) => {
	channelsLast(ctx);
	const { g } = ctx;
	const { kernel, strides, dilations, pads: p } = convGeometry(ctx, 2);
	const dk = weight(ctx, 'depthwise_kernel');
	const pk = weight(ctx, 'pointwise_kernel');
	const dw = depthwiseKernel(dk.data, dk.shape);
	const pw = convKernel(pk.data, pk.shape);
	const depthwise = g.float(`${ctx.layer.name}/depthwise_kernel`, dw.data, dw.shape);
	const pointwise = [g.float(`${ctx.layer.name}/pointwise_kernel`, pw.data, pw.shape)];
	if (bool(ctx, 'useBias', true)) pointwise.push(g.float(`${ctx.layer.name}/bias`, weight(ctx, 'bias').data));
	const y = wrapped(ctx, (x) => {
		const d = g.node('Conv', [x, depthwise], { kernel_shape: { ints: kernel }, strides: { ints: strides }, dilations: { ints: dilations }, pads: { ints: p }, group: { i: dk.shape[2] } });
		return g.node('Conv', [d, ...pointwise], { kernel_shape: { ints: [1, 1] }, group: { i: 1 } });
	});
	return activate(ctx, y);
};

function pool(op: 'MaxPool' | 'AveragePool', dims: number): LayerMapper {
	return (ctx) => {
		channelsLast(ctx);
		const size = ints(ctx, 'poolSize', dims);
		const strides = ints(ctx, 'strides', dims, size);
		const ones = new Array<number>(dims).fill(1);
		const p = pads(ctx, size, strides, ones);
		// TF's SAME average ignores the padding; ONNX count_include_pad=0 does the same.
		const attrs = { kernel_shape: { ints: size }, strides: { ints: strides }, pads: { ints: p }, ...(op === 'AveragePool' ? { count_include_pad: { i: 0 } } : {}) };
		return wrapped(ctx, (x) => ctx.g.node(op, [x], attrs));
	};
}

function globalPool(op: 'ReduceMean' | 'ReduceMax'): LayerMapper {
	return (ctx) => {
		channelsLast(ctx);
		if (bool(ctx, 'keepDims', false)) fail(ctx, 'keepDims is not supported');
		const rank = ctx.inputShapes[0].length;
		// Reducing the spatial axes of NHWC directly needs no transposes.
		return ctx.g.node(op, [ctx.inputs[0]], { axes: { ints: Array.from({ length: rank - 2 }, (_, i) => i + 1) }, keepdims: { i: 0 } });
	};
}

const zeroPadding2d: LayerMapper = (ctx) => {
	channelsLast(ctx);
	const raw = ctx.config.padding;
	const pairs = Array.isArray(raw) && raw.every(Array.isArray) ? (raw as number[][]) : fail(ctx, 'config "padding" should be [[top, bottom], [left, right]]');
	const [[top, bottom], [left, right]] = pairs;
	return ctx.g.node('Pad', [ctx.inputs[0], ctx.g.int64('pads', [0, top, left, 0, 0, bottom, right, 0])]);
};

export const CONV_LAYERS: Record<string, LayerMapper> = {
	Conv1D: conv(1),
	Conv2D: conv(2),
	DepthwiseConv2D: depthwiseConv2d,
	SeparableConv2D: separableConv2d,
	MaxPooling1D: pool('MaxPool', 1),
	MaxPooling2D: pool('MaxPool', 2),
	AveragePooling1D: pool('AveragePool', 1),
	AveragePooling2D: pool('AveragePool', 2),
	GlobalAveragePooling1D: globalPool('ReduceMean'),
	GlobalAveragePooling2D: globalPool('ReduceMean'),
	GlobalMaxPooling1D: globalPool('ReduceMax'),
	GlobalMaxPooling2D: globalPool('ReduceMax'),
	ZeroPadding2D: zeroPadding2d
};
