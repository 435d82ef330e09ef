import { describe, expect, it } from 'vitest';
import type { VariantRow } from '$workers/protocol';
import { median, pickFromTradeoff, pickRuntime, pickStillValid, timeCandidates } from './pick';

const at = Date.UTC(2026, 10, 26, 17, 0);

describe('picking the prediction runtime', () => {
	it('takes the fastest median, lists all fastest first, and breaks ties toward the model as trained', () => {
		const pick = pickRuntime([{ runtime: 'onnx', ms: 0.31, backend: 'wasm' }, { runtime: 'tfjs', ms: 0.08, backend: 'wasm' }, { runtime: 'js', ms: 0.02, backend: 'wasm' }], at, 'm1', 'measured', 30);
		expect(pick).toEqual({ runtime: 'js', timings: [{ runtime: 'js', ms: 0.02, backend: 'wasm' }, { runtime: 'tfjs', ms: 0.08, backend: 'wasm' }, { runtime: 'onnx', ms: 0.31, backend: 'wasm' }], measuredAt: at, source: 'measured', modelId: 'm1', repeats: 30 });
		expect(pickRuntime([{ runtime: 'onnx', ms: 0.1, backend: 'wasm' }, { runtime: 'tfjs', ms: 0.1, backend: 'cpu' }], at, 'm', 'measured', 5).runtime).toBe('tfjs');
	});

	it('ignores timings that are not numbers and refuses when none is left', () => {
		expect(pickRuntime([{ runtime: 'onnx', ms: NaN, backend: 'wasm' }, { runtime: 'tfjs', ms: 0.4, backend: 'wasm' }], at, 'm', 'measured', 5).runtime).toBe('tfjs');
		expect(() => pickRuntime([{ runtime: 'onnx', ms: Infinity, backend: 'wasm' }], at, 'm', 'measured', 5)).toThrow(/No runtime could be timed/);
	});

	it('reuses the compression table when its original row timed batch-1 in both runtimes', () => {
		const measured = (runtime: 'tfjs' | 'onnxruntime', batch1Ms: number) => ({ runtime, backend: 'wasm', fileBytes: 1, deflatedBytes: 1, metric: 0.9, batch1Ms, batch256Ms: 1 });
		const row = (id: string, tfjs?: number, onnx?: number): VariantRow => ({ id, label: id, params: 1, nonZero: 1, metricName: 'accuracy', ...(tfjs !== undefined ? { tfjs: measured('tfjs', tfjs) } : {}), ...(onnx !== undefined ? { onnx: measured('onnxruntime', onnx) } : {}) });
		const pick = pickFromTradeoff([row('int8', 0.01, 0.01), row('float32', 0.3, 0.05)], at, 'm');
		expect(pick).toMatchObject({ runtime: 'onnx', source: 'tradeoff', repeats: 0, timings: [{ runtime: 'onnx', ms: 0.05 }, { runtime: 'tfjs', ms: 0.3 }] });
		expect(pickFromTradeoff([row('float32', 0.3)], at, 'm')).toBeNull();
		expect(pickFromTradeoff([row('int8', 0.3, 0.1)], at, 'm')).toBeNull();
	});

	it('keeps a stored pick only for the same model and a runtime it still has', () => {
		const pick = pickRuntime([{ runtime: 'onnx', ms: 0.1, backend: 'wasm' }, { runtime: 'tfjs', ms: 0.2, backend: 'wasm' }], at, 'm1', 'measured', 30);
		expect(pickStillValid(pick, 'm1', ['tfjs', 'onnx'])).toBe(true);
		expect(pickStillValid(pick, 'm2', ['tfjs', 'onnx'])).toBe(false);
		expect(pickStillValid(pick, 'm1', ['tfjs', 'js'])).toBe(false);
		expect(pickStillValid(undefined, 'm1', ['tfjs'])).toBe(false);
	});

	it('times candidates interleaved, after warm-up, as medians', async () => {
		let clock = 0;
		const calls: string[] = [];
		const cost = { tfjs: 3, onnx: 1 } as const;
		const candidates = (['tfjs', 'onnx'] as const).map((runtime) => ({ runtime, backend: 'wasm', run: async () => (calls.push(runtime), (clock += cost[runtime])) }));
		const timings = await timeCandidates(candidates, 2, 3, () => clock);
		expect(timings).toEqual([{ runtime: 'tfjs', backend: 'wasm', ms: 3 }, { runtime: 'onnx', backend: 'wasm', ms: 1 }]);
		expect(calls).toEqual(['tfjs', 'tfjs', 'onnx', 'onnx', 'tfjs', 'onnx', 'onnx', 'tfjs', 'tfjs', 'onnx']);
		expect(median([5, 1, 3, 2])).toBe(2.5);
	});
});
