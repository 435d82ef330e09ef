import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { useWasm } from '$workers/lib/kernels/wasm.spec-support';
import { buildCnn } from '$workers/lib/vision/cnn';
import { fitCnn } from '$workers/lib/vision/train-cnn';
import type { CnnSpec } from '$workers/lib/vision/types';
import { loadImageSet, trainAndTest } from '$workers/lib/vision/vision.spec-support';
import { imageRobustness, perturbationNorms, type HeldOutImages } from './image-robustness';

/** A small CNN (28 → 13 → 5 px) trained on 400 shipped digits, attacked on 80 of their test images. */
const SPEC: CnnSpec = {
	input: { height: 28, width: 28, channels: 1 },
	classes: 10,
	layers: [
		{ type: 'conv2d', filters: 8, kernel: 3, stride: 2, padding: 'valid', activation: 'relu' },
		{ type: 'conv2d', filters: 16, kernel: 3, padding: 'valid', activation: 'relu' },
		{ type: 'maxPool', size: 2 },
		{ type: 'flatten' },
		{ type: 'dense', units: 32, activation: 'relu' }
	]
};
const TEST = 80;
let model: tfl.LayersModel;
let held: HeldOutImages;

beforeAll(async () => {
	await useWasm();
	const set = loadImageSet('digits-28.kimg.gz');
	const { source, labels } = trainAndTest(set, 400, TEST);
	model = buildCnn(SPEC, 4);
	await fitCnn(model, source, labels, { epochs: 4, batchSize: 32, lr: 0.003, seed: 4, train: Int32Array.from({ length: 400 }, (_, i) => i) });
	const size = 28 * 28;
	const pixels = set.images.slice(set.trainCount * size, (set.trainCount + TEST) * size);
	held = { pixels, labels: Int32Array.from(set.labels.subarray(set.trainCount, set.trainCount + TEST)), rows: Int32Array.from({ length: TEST }, (_, i) => set.trainCount + i), classes: set.classes, shape: set.shape };
}, 60_000);

describe('image robustness (FGSM and PGD on a seeded CNN, ε on the [0, 1] pixel scale)', () => {
	it('PGD L∞: accuracy falls monotonically with ε, every perturbation stays within ε', async () => {
		const labels: string[] = [];
		const epsilons = [0.3, 0.02, 0.05, 0.1, 0.2];
		const r = await imageRobustness(model, held, { attack: 'pgd', norm: 'linf', epsilons, steps: 7, seed: 1, examples: 4 }, { onProgress: (p) => labels.push(p.label) });
		expect(r.points.map((p) => p.epsilon)).toEqual([0, 0.02, 0.05, 0.1, 0.2, 0.3]);
		expect(r.clean).toBeGreaterThan(0.8);
		expect(r.points[0].accuracy).toBe(r.clean);
		for (let i = 1; i < r.points.length; i++) {
			expect(r.points[i].accuracy).toBeLessThanOrEqual(r.points[i - 1].accuracy);
			expect(r.points[i].maxLinf!).toBeLessThanOrEqual(r.points[i].epsilon + 1e-6);
			expect(r.points[i].maxLinf!).toBeGreaterThan(0);
		}
		expect(r.points.at(-1)!.accuracy).toBeLessThan(r.clean - 0.5);
		// Examples: originals beside their attacked versions, with their predictions and measured norms.
		const ex = r.images!;
		expect(ex.examples).toHaveLength(4);
		expect(ex.before).toHaveLength(4 * 784);
		expect(ex.after).toHaveLength(4 * 784);
		expect(ex.examples[0].predictedBefore).toBe(ex.examples[0].label);
		expect(ex.examples[0].predictedAfter).not.toBe(ex.examples[0].label);
		for (const [k, e] of ex.examples.entries()) {
			expect(e.linf).toBeLessThanOrEqual(r.exampleEpsilon + 1e-6);
			// The displayed (rounded) images differ from the originals by at most ε plus half a grey level.
			const shown = perturbationNorms(Float32Array.from(ex.before.subarray(k * 784, (k + 1) * 784), (v) => v / 255), Float32Array.from(ex.after.subarray(k * 784, (k + 1) * 784), (v) => v / 255), 784);
			expect(shown.linf[0]).toBeLessThanOrEqual(r.exampleEpsilon + 0.5 / 255 + 1e-6);
		}
		expect(labels.some((l) => /PGD at ε = 0\.02: image 51 of 80/.test(l))).toBe(true);
		expect(labels.at(-1)).toBe('Done');
		console.log(`image PGD L∞ (7 steps) on 80 digits: ${r.points.map((p) => `ε ${p.epsilon}: ${(p.accuracy * 100).toFixed(1)} %`).join(', ')}`);
	}, 60_000);

	it('PGD L2 and FGSM: accuracy falls with ε, L2 norms within ε; a seed repeats the curve', async () => {
		const request = { attack: 'pgd' as const, norm: 'l2' as const, epsilons: [0.5, 1, 2, 4], steps: 5, seed: 2 };
		const l2 = await imageRobustness(model, held, request);
		for (let i = 1; i < l2.points.length; i++) {
			expect(l2.points[i].accuracy).toBeLessThanOrEqual(l2.points[i - 1].accuracy);
			expect(l2.points[i].maxL2!).toBeLessThanOrEqual(l2.points[i].epsilon * (1 + 1e-5));
		}
		expect(l2.points.at(-1)!.accuracy).toBeLessThan(l2.clean);
		const again = await imageRobustness(model, held, { ...request, epsilons: [1] });
		expect(again.points[1]).toEqual(l2.points.find((p) => p.epsilon === 1));
		const fgsm = await imageRobustness(model, held, { attack: 'fgsm', norm: 'linf', epsilons: [0.1], seed: 2 });
		expect(fgsm.steps).toBe(0);
		// FGSM moves every pixel that is not at a bound by exactly ε.
		expect(fgsm.points[1].maxLinf!).toBeCloseTo(0.1, 5);
		expect(fgsm.points[1].accuracy).toBeLessThan(fgsm.clean);
		console.log(`image PGD L2 (5 steps): ${l2.points.map((p) => `ε ${p.epsilon}: ${(p.accuracy * 100).toFixed(1)} %`).join(', ')}; FGSM L∞ 0.1: ${(fgsm.points[1].accuracy * 100).toFixed(1)} %`);
	}, 60_000);

	it('refuses a bad ε, a cancelled run and images of another size, and leaks no tensors', async () => {
		const before = tf.memory().numTensors;
		await expect(imageRobustness(model, held, { attack: 'pgd', norm: 'linf', epsilons: [2] })).rejects.toThrow(/up to 1/);
		await expect(imageRobustness(model, held, { attack: 'pgd', norm: 'linf', epsilons: [-1] })).rejects.toThrow(/at least 0/);
		await expect(imageRobustness(model, { ...held, shape: { height: 14, width: 14, channels: 1 } }, { attack: 'fgsm', norm: 'linf', epsilons: [0.1] })).rejects.toThrow(/28×28×1/);
		const controller = new AbortController();
		controller.abort();
		await expect(imageRobustness(model, held, { attack: 'pgd', norm: 'linf', epsilons: [0.1] }, { signal: controller.signal })).rejects.toThrow(/cancelled/);
		expect(tf.memory().numTensors).toBe(before);
	});
});
