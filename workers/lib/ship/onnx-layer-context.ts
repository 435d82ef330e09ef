import type * as tfl from '@tensorflow/tfjs-layers';
import { KilnError } from '$shared/errors';
import type { GraphBuilder } from './onnx-builder';
import { applyActivation, isActivation } from './onnx-activations';

/** Static shape of a value as tfjs reports it; null marks the batch or another free dimension. */
export type Shape = (number | null)[];
export type TfLayer = tfl.LayersModel['layers'][number];
export type LayerConfig = Record<string, unknown>;

export interface Weight {
	data: Float32Array;
	shape: number[];
}

/**
 * What a layer mapper sees: the builder, the layer's config and weights, and its input values,
 * which stay in tfjs layout (NHWC, [batch, time, features]) between layers. A mapper that needs
 * another layout transposes in and out itself; ORT's transpose optimiser removes the pairs.
 */
export interface LayerContext {
	g: GraphBuilder;
	layer: TfLayer;
	className: string;
	config: LayerConfig;
	inputs: string[];
	inputShapes: Shape[];
	outputShape: Shape;
}

export type LayerMapper = (ctx: LayerContext) => string;

export function fail(ctx: Pick<LayerContext, 'layer' | 'className'>, reason: string): never {
	throw new KilnError('ExportError', `Layer "${ctx.layer.name}" (${ctx.className}) cannot be exported to ONNX: ${reason}.`);
}

/** The layer's weight whose name ends in `/key` (kernel, bias, gamma, moving_mean, ...). */
export function findWeight(ctx: LayerContext, key: string): Weight | undefined {
	const variable = ctx.layer.weights.find((w) => w.originalName.split('/').pop() === key || w.name.split('/').pop() === key);
	if (!variable) return undefined;
	const tensor = variable.read();
	return { data: Float32Array.from(tensor.dataSync() as Float32Array), shape: tensor.shape.slice() };
}

export function weight(ctx: LayerContext, key: string): Weight {
	return findWeight(ctx, key) ?? fail(ctx, `its "${key}" weight is missing`);
}

export function str(ctx: LayerContext, key: string, fallback?: string): string {
	const value = ctx.config[key] ?? fallback;
	if (typeof value !== 'string') fail(ctx, `config "${key}" should be text`);
	return value;
}

export function num(ctx: LayerContext, key: string, fallback?: number): number {
	const value = ctx.config[key] ?? fallback;
	if (typeof value !== 'number' || !Number.isFinite(value)) fail(ctx, `config "${key}" should be a number`);
	return value;
}

export function ints(ctx: LayerContext, key: string, length: number, fallback?: number[]): number[] {
	const raw = ctx.config[key] ?? fallback;
	const list = typeof raw === 'number' ? new Array<number>(length).fill(raw) : raw;
	if (!Array.isArray(list) || list.length !== length || !list.every((v) => Number.isInteger(v))) fail(ctx, `config "${key}" should be ${length} whole numbers`);
	return list as number[];
}

export function bool(ctx: LayerContext, key: string, fallback: boolean): boolean {
	const value = ctx.config[key];
	return typeof value === 'boolean' ? value : fallback;
}

/** The layer's `activation` config applied to `x`. */
export function activate(ctx: LayerContext, x: string, key = 'activation'): string {
	const name = ctx.config[key] ?? 'linear';
	if (!isActivation(name)) fail(ctx, `activation "${String(name)}" has no ONNX mapping`);
	return applyActivation(ctx.g, x, name);
}

/** Static size of every non-batch dimension, or a clear error when one is unknown. */
export function fixedDims(ctx: LayerContext, shape: Shape, what: string): number[] {
	const dims = shape.slice(1);
	if (dims.some((d) => d === null)) fail(ctx, `${what} needs a fixed size in every dimension but the batch, got [${shape.map((d) => d ?? '?').join(', ')}]`);
	return dims as number[];
}

/** Permutation moving the last axis to position 1 (channels-last → channels-first) and back. */
export function toChannelsFirst(rank: number): number[] {
	return [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
}
export function toChannelsLast(rank: number): number[] {
	return [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
}

/** Transposed copy of a row-major array. */
export function transposeData(data: Float32Array, shape: number[], perm: number[]): { data: Float32Array; shape: number[] } {
	const rank = shape.length;
	const outShape = perm.map((p) => shape[p]);
	const inStrides = new Array<number>(rank);
	inStrides[rank - 1] = 1;
	for (let i = rank - 2; i >= 0; i--) inStrides[i] = inStrides[i + 1] * shape[i + 1];
	const out = new Float32Array(data.length);
	const index = new Array<number>(rank).fill(0);
	for (let o = 0; o < out.length; o++) {
		let offset = 0;
		for (let d = 0; d < rank; d++) offset += index[d] * inStrides[perm[d]];
		out[o] = data[offset];
		for (let d = rank - 1; d >= 0; d--) {
			if (++index[d] < outShape[d]) break;
			index[d] = 0;
		}
	}
	return { data: out, shape: outShape };
}
