import { outputSide } from './cnn-shape';
import type { CnnSpec, ImageShape, LayerSpec } from './types';

export type PresetName = 'tiny' | 'small' | 'medium' | 'mobilenet';

export const PRESETS: { name: PresetName; title: string; description: string }[] = [
	{ name: 'tiny', title: 'Tiny', description: 'A few thousand weights: quick to train, a first baseline.' },
	{ name: 'small', title: 'Small', description: 'Two or more conv + pool stages and a dense layer: the classic small CNN.' },
	{ name: 'medium', title: 'Medium', description: 'Paired convs with batch-norm and dropout per stage: more accurate, slower.' },
	{ name: 'mobilenet', title: 'MobileNet-style', description: 'Depthwise-separable blocks with batch-norm and global pooling: few weights for its depth.' }
];

/** Pixel sizes the app resizes images to; the presets are tuned for these. */
export const INPUT_SIZES = [28, 32, 64, 96, 224] as const;

/** Spatial side after `stages` conv (3×3, given padding) + 2×2 pool stages. */
function sideAfter(side: number, stages: number, padding: 'same' | 'valid'): number {
	for (let s = 0; s < stages; s++) side = Math.floor(outputSide(side, 3, 1, padding) / 2);
	return side;
}

/** Conv + pool stages until the image is at most 7 pixels across (and still at least 1). */
function stagesFor(input: ImageShape, padding: 'same' | 'valid'): number {
	const side = Math.min(input.height, input.width);
	let stages = 0;
	while (sideAfter(side, stages, padding) > 7 && sideAfter(side, stages + 1, padding) >= 2 && stages < 6) stages++;
	return Math.max(1, stages);
}

const doubled = (first: number, stage: number, cap: number) => Math.min(cap, first * 2 ** stage);

/** The small CNN of issue 10 at 28×28: conv 32 3×3, pool, conv 64 3×3, pool, dense 128, dense 10. */
export const BENCH_CNN: CnnSpec = {
	input: { height: 28, width: 28, channels: 1 },
	classes: 10,
	layers: [
		{ type: 'conv2d', filters: 32, kernel: 3, padding: 'valid', activation: 'relu' },
		{ type: 'maxPool', size: 2 },
		{ type: 'conv2d', filters: 64, kernel: 3, padding: 'valid', activation: 'relu' },
		{ type: 'maxPool', size: 2 },
		{ type: 'flatten' },
		{ type: 'dense', units: 128, activation: 'relu' }
	]
};

function tiny(input: ImageShape): LayerSpec[] {
	const layers: LayerSpec[] = [];
	const stages = stagesFor(input, 'same');
	for (let s = 0; s < stages; s++) layers.push({ type: 'conv2d', filters: doubled(8, s, 64), kernel: 3, activation: 'relu' }, { type: 'maxPool', size: 2 });
	layers.push({ type: 'globalAvgPool' });
	return layers;
}

function small(input: ImageShape): LayerSpec[] {
	const layers: LayerSpec[] = [];
	const stages = stagesFor(input, 'valid');
	for (let s = 0; s < stages; s++) layers.push({ type: 'conv2d', filters: doubled(32, s, 128), kernel: 3, padding: 'valid', activation: 'relu' }, { type: 'maxPool', size: 2 });
	layers.push({ type: 'flatten' }, { type: 'dense', units: 128, activation: 'relu' });
	return layers;
}

function medium(input: ImageShape): LayerSpec[] {
	const layers: LayerSpec[] = [];
	const stages = stagesFor(input, 'same');
	for (let s = 0; s < stages; s++) {
		const filters = doubled(32, s, 256);
		for (let k = 0; k < 2; k++) layers.push({ type: 'conv2d', filters, kernel: 3 }, { type: 'batchNorm' }, { type: 'activation', activation: 'relu' });
		layers.push({ type: 'maxPool', size: 2 }, { type: 'dropout', rate: 0.25 });
	}
	const side = sideAfter(Math.min(input.height, input.width), stages, 'same');
	layers.push(side * side * doubled(32, stages - 1, 256) > 4096 ? { type: 'globalAvgPool' } : { type: 'flatten' });
	layers.push({ type: 'dense', units: 256, activation: 'relu' }, { type: 'dropout', rate: 0.5 });
	return layers;
}

/**
 * MobileNet v1-style: a 3×3 stem (stride 2 for inputs of 64 px and more), then depthwise 3×3 +
 * batch-norm + relu and pointwise 1×1 + batch-norm + relu blocks, widening and halving the image
 * until it is at most 7 px, then global average pooling.
 */
export function mobilenetLayers(input: ImageShape, width = 1): LayerSpec[] {
	const ch = (c: number) => Math.max(8, Math.round(c * width));
	let side = Math.min(input.height, input.width);
	const stemStride = side >= 64 ? 2 : 1;
	side = Math.ceil(side / stemStride);
	const layers: LayerSpec[] = [{ type: 'conv2d', filters: ch(32), kernel: 3, stride: stemStride }, { type: 'batchNorm' }, { type: 'activation', activation: 'relu' }];
	const block = (filters: number, stride: number) => {
		layers.push(
			{ type: 'depthwiseConv2d', kernel: 3, stride },
			{ type: 'batchNorm' },
			{ type: 'activation', activation: 'relu' },
			{ type: 'conv2d', filters: ch(filters), kernel: 1 },
			{ type: 'batchNorm' },
			{ type: 'activation', activation: 'relu' }
		);
		side = Math.ceil(side / stride);
	};
	block(64, 1);
	let filters = 128;
	while (side > 7) {
		block(filters, 2);
		block(filters, 1);
		filters = Math.min(512, filters * 2);
	}
	layers.push({ type: 'globalAvgPool' }, { type: 'dropout', rate: 0.2 });
	return layers;
}

/** A preset CNN for the input shape (28–224 px, 1 or 3 channels) and number of classes. */
export function cnnPreset(name: PresetName, input: ImageShape, classes: number): CnnSpec {
	const make = { tiny, small, medium, mobilenet: (i: ImageShape) => mobilenetLayers(i) }[name];
	return { input: { ...input }, classes, layers: make(input) };
}

/**
 * The spec with every dropout layer at `rate` (a searched or chosen dropout): 0 removes them, and
 * a preset without dropout gets one before its classifier. Undefined keeps the preset's own rates.
 */
export function withDropout(spec: CnnSpec, rate: number | undefined): CnnSpec {
	if (rate === undefined) return spec;
	const has = spec.layers.some((l) => l.type === 'dropout');
	const layers = spec.layers.flatMap((l): LayerSpec[] => (l.type !== 'dropout' ? [l] : rate > 0 ? [{ type: 'dropout', rate }] : []));
	return { ...spec, layers: !has && rate > 0 ? [...layers, { type: 'dropout', rate }] : layers };
}
