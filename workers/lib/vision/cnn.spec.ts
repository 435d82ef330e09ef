import { describe, expect, it } from 'vitest';
import { useCpu } from '../../../tests/unit-support';
import { buildCnn, summarizeCnn, validateCnnSpec } from './cnn';
import { BENCH_CNN, cnnPreset, INPUT_SIZES, PRESETS } from './presets';
import type { CnnSpec, LayerSpec } from './types';

const spec = (layers: LayerSpec[], size = 28, channels = 1): CnnSpec => ({ input: { height: size, width: size, channels }, classes: 10, layers });

describe('summarizeCnn', () => {
	it('matches tfjs layer by layer (output shapes and parameter counts) for every preset and input size', async () => {
		await useCpu();
		for (const { name } of PRESETS) {
			for (const size of INPUT_SIZES) {
				for (const channels of size <= 32 ? [1, 3] : [3]) {
					const s = cnnPreset(name, { height: size, width: size, channels }, 7);
					const summary = summarizeCnn(s);
					expect(summary.errors, `${name} ${size}`).toEqual([]);
					const model = buildCnn(s, 1);
					expect(summary.params, `${name} ${size}×${size}×${channels}`).toBe(model.countParams());
					const trainable = model.trainableWeights.reduce((sum, w) => sum + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
					expect(summary.trainableParams).toBe(trainable);
					expect(summary.layers.map((l) => l.outputShape)).toEqual(model.layers.map((l) => (l.outputShape as number[]).slice(1)));
					model.dispose();
				}
			}
		}
	});

	it('describes the issue-10 small CNN exactly', () => {
		const summary = summarizeCnn(BENCH_CNN);
		expect(summary.layers.map((l) => l.outputShape)).toEqual([[26, 26, 32], [13, 13, 32], [11, 11, 64], [5, 5, 64], [1600], [128], [10]]);
		expect(summary.params).toBe(320 + 18496 + 204928 + 1290);
		expect(summarizeCnn(cnnPreset('small', { height: 28, width: 28, channels: 1 }, 10)).layers).toEqual(summary.layers);
	});

	it('says which layer is too big for the image reaching it', () => {
		const { errors, layers } = summarizeCnn(spec([{ type: 'conv2d', filters: 8, kernel: 3, padding: 'valid' }, { type: 'maxPool', size: 2 }, { type: 'maxPool', size: 2 }, { type: 'maxPool', size: 2 }, { type: 'conv2d', filters: 8, kernel: 5, padding: 'valid' }, { type: 'flatten' }]));
		expect(errors).toHaveLength(1);
		expect(errors[0].index).toBe(4);
		expect(errors[0].message).toContain('the image is 3×3 after layer 4');
		expect(errors[0].message).toContain('too small for a 5×5 kernel');
		// Shapes up to the problem are still there for the UI.
		expect(layers.map((l) => l.outputShape)).toEqual([[26, 26, 8], [13, 13, 8], [6, 6, 8], [3, 3, 8]]);
	});

	it('explains misplaced and malformed layers', () => {
		const first = (layers: LayerSpec[], extra: Partial<CnnSpec> = {}) => summarizeCnn({ ...spec(layers), ...extra }).errors[0]?.message ?? '';
		expect(first([{ type: 'dense', units: 4 }])).toMatch(/outputs a 28×28×1 image; add flatten or globalAvgPool/);
		expect(first([{ type: 'flatten' }, { type: 'conv2d', filters: 4, kernel: 3 }])).toMatch(/needs an image/);
		expect(first([{ type: 'conv2d', filters: 4, kernel: 3 }])).toMatch(/still outputs a 28×28×4 image/);
		expect(first([{ type: 'conv2d', filters: 0, kernel: 3 }])).toMatch(/filters must be/);
		expect(first([{ type: 'dropout', rate: 1 }])).toMatch(/dropout rate/);
		expect(first([{ type: 'conv2d', filters: 4, kernel: 3, activation: 'gelu' as 'relu' }])).toMatch(/unknown activation "gelu"/);
		expect(first([{ type: 'warp' } as unknown as LayerSpec])).toMatch(/unknown layer type "warp"/);
		expect(first([{ type: 'flatten' }], { classes: 1 })).toMatch(/2 to 1000 classes/);
		expect(summarizeCnn({ ...spec([{ type: 'flatten' }]), input: { height: 0, width: 28, channels: 1 } }).errors[0].message).toMatch(/input must be an image/);
		expect(() => validateCnnSpec(spec([{ type: 'dense', units: 4 }]))).toThrow(expect.objectContaining({ name: 'ValidationError' }));
	});

	it('counts separable, depthwise and batch-norm parameters like tfjs', async () => {
		await useCpu();
		const s = spec(
			[
				{ type: 'separableConv2d', filters: 12, kernel: [3, 5], depthMultiplier: 2, stride: 2, activation: 'relu' },
				{ type: 'batchNorm' },
				{ type: 'depthwiseConv2d', kernel: 3, depthMultiplier: 3, padding: 'valid' },
				{ type: 'avgPool', size: 3, stride: 2, padding: 'same' },
				{ type: 'globalAvgPool' },
				{ type: 'dropout', rate: 0.3 },
				{ type: 'dense', units: 5, activation: 'tanh' }
			],
			20,
			3
		);
		const summary = summarizeCnn(s);
		const model = buildCnn(s, 2);
		expect(summary.params).toBe(model.countParams());
		expect(summary.trainableParams).toBe(summary.params - 2 * 12);
		expect(summary.layers.map((l) => l.outputShape)).toEqual(model.layers.map((l) => (l.outputShape as number[]).slice(1)));
		model.dispose();
	});

	it('builds the same starting weights from the same seed, and different ones from another', async () => {
		await useCpu();
		const weights = (seed: number) => {
			const model = buildCnn(BENCH_CNN, seed);
			const values = model.getWeights().map((w) => Array.from(w.dataSync().slice(0, 20)));
			model.dispose();
			return values;
		};
		expect(weights(4)).toEqual(weights(4));
		expect(weights(4)).not.toEqual(weights(5));
	});
});

describe('withDropout', () => {
	it('sets every dropout layer of a preset, removes them at 0, and adds one to a preset without', async () => {
		const { withDropout } = await import('./presets');
		const medium = cnnPreset('medium', { height: 28, width: 28, channels: 1 }, 10);
		const rates = (s: CnnSpec) => s.layers.filter((l): l is Extract<LayerSpec, { type: 'dropout' }> => l.type === 'dropout').map((l) => l.rate);
		expect(rates(medium).length).toBeGreaterThan(1);
		expect(rates(withDropout(medium, 0.1)).every((r) => r === 0.1)).toBe(true);
		expect(rates(withDropout(medium, 0.1))).toHaveLength(rates(medium).length);
		expect(rates(withDropout(medium, 0))).toEqual([]);
		expect(withDropout(medium, undefined)).toBe(medium);
		const bare = spec([{ type: 'conv2d', filters: 4, kernel: 3 }, { type: 'flatten' }]);
		expect(withDropout(bare, 0.2).layers.at(-1)).toEqual({ type: 'dropout', rate: 0.2 });
		expect(() => validateCnnSpec(withDropout(medium, 0.3))).not.toThrow();
	});
});
