import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '$workers/lib/kernels/wasm.spec-support';
import { registerWasmKernels } from '$workers/lib/kernels/register';
import { autoBackend } from '$workers/lib/backend-probe';
import { cnnSignature } from './probe-cnn';
import { transferProbeRunner, transferSignature } from './probe-transfer';
import { transferSpec } from './transfer';
import { loadImageSet } from './vision.spec-support';

function realBatch(n: number) {
	const set = loadImageSet('digits-28.kimg.gz');
	return { pixels: set.images.subarray(0, n * 784), labels: Array.from(set.labels.subarray(0, n), (l) => l % 3) };
}

describe('the auto probe for transfer runs', () => {
	it('keys head-only and fine-tuning runs apart from each other and from a scratch CNN of the same layers', () => {
		const head = transferSignature(3, 16, false);
		const fine = transferSignature(3, 16, true);
		expect(head.signature).not.toBe(fine.signature);
		expect(head.signature).not.toBe(cnnSignature(transferSpec(3), 16).signature);
		expect(transferSignature(3, 16, false).signature).toBe(head.signature);
		expect(transferSignature(4, 16, false).signature).not.toBe(head.signature);
		expect(fine.model).toMatch(/28×28×1 images .*3 classes, batch 16, head and last block fine-tuned/);
	});

	it('times real embed, head and fine-tune steps through autoBackend, leaving no tensors behind', async () => {
		// wasm with Kiln's conv kernels, as transfer runs train in the app (the cpu backend's depthwise gradients take seconds a step).
		await useBackend('wasm');
		registerWasmKernels();
		const batch = realBatch(8);
		const before = tf.memory().numTensors;
		for (const fineTune of [false, true]) {
			const subject = transferSignature(3, 8, fineTune);
			const { probe, fresh } = await autoBackend({
				...subject,
				available: ['wasm'],
				activate: async () => null,
				build: () => transferProbeRunner(3, batch, { lr: 0.01, seed: 1, fineTune }),
				limits: { maxSteps: 1, budgetMs: 100 },
				cache: undefined,
				save: async () => {}
			});
			expect(fresh).toBe(true);
			expect(probe.picked).toBe('wasm');
			expect(probe.signature).toBe(subject.signature);
			expect(probe.timings[0].steps).toBeGreaterThanOrEqual(1);
			expect(probe.timings[0].stepsPerSecond).toBeGreaterThan(0);
		}
		expect(tf.memory().numTensors).toBe(before);
	});
});
