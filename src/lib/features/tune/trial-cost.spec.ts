import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '$shared/train-config';
import type { TrainConfig } from '$workers/protocol';
import { trialCost } from './trial-cost';

const base: TrainConfig = { ...DEFAULT_CONFIG, target: 'y', task: 'classification', features: Array.from({ length: 64 }, (_, i) => `p${i}`) };

describe('trialCost', () => {
	it('grows with layers, units and epochs and falls with the batch size, per the measured step and product costs', () => {
		const cost = trialCost(base, 'mlp', 10)!;
		const small = cost({ hiddenLayerCount: 1, hiddenUnits: 16, batchSize: 64 });
		expect(cost({ hiddenLayerCount: 3, hiddenUnits: 16, batchSize: 64 })).toBeGreaterThan(small);
		expect(cost({ hiddenLayerCount: 1, hiddenUnits: 128, batchSize: 64 })).toBeGreaterThan(small);
		expect(cost({ hiddenLayerCount: 1, hiddenUnits: 16, batchSize: 16 })).toBeGreaterThan(small);
		expect(trialCost(base, 'mlp', 20)!({ hiddenLayerCount: 1, hiddenUnits: 16, batchSize: 64 })).toBeCloseTo(2 * small, 10);
		// Session 7's one-worker figures for two relu trials on digits: 3 × 184 units at batch 16 took 1.35 s, 3 × 12 at batch 32 0.18 s.
		const ratio = cost({ hiddenLayerCount: 3, hiddenUnits: 184, batchSize: 16 }) / cost({ hiddenLayerCount: 3, hiddenUnits: 12, batchSize: 32 });
		expect(ratio).toBeGreaterThan(1.35 / 0.18 / 1.5);
		expect(ratio).toBeLessThan((1.35 / 0.18) * 1.5);
	});

	it('has no estimate for the families it does not model', () => {
		expect(trialCost(base, 'forest', 10)).toBeUndefined();
		expect(trialCost(base, 'image', 10)).toBeUndefined();
	});
});
