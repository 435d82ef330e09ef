import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '$workers/lib/model';
import { createRng } from '$workers/lib/random';
import { attributions } from './attributions';
import { useCpu } from './explain.spec-support';

beforeAll(useCpu);

describe('integrated gradients', () => {
	it('satisfies completeness within 1e-3 on a small MLP (softmax output, predicted class)', async () => {
		const model = buildModel({ kind: 'mlp', inputSize: 6, outputSize: 3, hiddenLayers: [16, 8], seed: 5 });
		const rng = createRng(11);
		const rows = 20;
		const x = Float32Array.from({ length: rows * 6 }, () => rng() * 4 - 2);
		try {
			const ig = await attributions(model, { x, rows, width: 6, target: 1, transform: 'softmax', steps: 256, tolerance: Infinity });
			expect(ig.steps).toBe(256);
			const worst = Math.max(...Array.from(ig.completenessGap, Math.abs));
			expect(worst).toBeLessThan(1e-3);
			// the check is not vacuous: outputs moved between baseline and input
			const moved = Math.max(...Array.from(ig.outputAtInput, (v, i) => Math.abs(v - ig.outputAtBaseline[i])));
			expect(moved).toBeGreaterThan(0.05);
			// per-row targets and the automatic refinement
			const targets = Int32Array.from({ length: rows }, (_, i) => i % 3);
			const refined = await attributions(model, { x, rows, width: 6, target: targets, steps: 8 });
			expect(Math.max(...Array.from(refined.completenessGap, Math.abs))).toBeLessThan(1e-3);
			expect(refined.steps).toBeGreaterThan(8);
		} finally {
			model.dispose();
		}
	});

	it('equals w·(x − baseline) for a linear function, as gradient × input does', async () => {
		const w = tf.tensor2d([[1], [-2], [0.5]]);
		const f = (b: tf.Tensor2D) => tf.matMul(b, w);
		const x = Float32Array.from([1, 2, 3, -1, 0, 4]);
		const baseline = Float32Array.from([0.5, 0.5, 0.5]);
		const ig = await attributions(f, { x, rows: 2, width: 3, target: 0, baseline, steps: 4 });
		const gx = await attributions(f, { x, rows: 2, width: 3, target: 0, baseline, method: 'gradient-x-input' });
		const expected = [0.5, -3, 1.25, -1.5, 1, 1.75];
		expected.forEach((v, i) => {
			expect(ig.attributions[i]).toBeCloseTo(v, 5);
			expect(gx.attributions[i]).toBeCloseTo(v, 5);
		});
		w.dispose();
	});
});
