import { describe, expect, it } from 'vitest';
import type { RuntimePick } from '$workers/protocol';
import { pickSentence, runtimeChoices } from './runtime-line';
import { DEFAULT_CONFIG } from '$shared/train-config';

const pick: RuntimePick = { runtime: 'onnx', timings: [{ runtime: 'onnx', ms: 0.08, backend: 'wasm' }, { runtime: 'tfjs', ms: 0.31, backend: 'wasm' }], measuredAt: 0, source: 'measured', modelId: 'm', repeats: 30 };
const date = () => '26 Nov 2026, 17:00';

describe('the runtime line on Predict', () => {
	it('says which runtime, against what, when and how it was measured', () => {
		expect(pickSentence(pick, false, date)).toBe('ONNX Runtime Web: 0.080 ms against TensorFlow.js (wasm) 0.310 ms, measured 26 Nov 2026, 17:00 from one form row, raw values to label in the prediction worker, median of 30 runs each.');
		expect(pickSentence({ ...pick, source: 'tradeoff', repeats: 0 }, true, date)).toBe("ONNX Runtime Web: 0.080 ms against Kiln 0.310 ms, measured 26 Nov 2026, 17:00 from the compression table's batch-1 latencies (the model alone on an encoded row).");
	});

	it('offers the measured pick first, then each runtime by hand', () => {
		const prep = { preprocessing: { features: [], target: { name: 't', task: 'classification' as const, classes: ['a'] }, inputSize: 1 } };
		const mlp = { config: { ...DEFAULT_CONFIG, target: 't', task: 'classification' as const, features: [] } };
		expect(runtimeChoices(mlp, prep, [{ id: 'int8', label: 'int8' }], true).map((c) => c.value)).toEqual(['auto', 'tfjs', 'js', 'onnx:float32', 'onnx:int8']);
		expect(runtimeChoices(mlp, {}, [], false).map((c) => c.value)).toEqual(['auto', 'tfjs']);
		const knn = { config: { ...DEFAULT_CONFIG, classic: { family: 'knn' } } } as unknown as typeof mlp;
		expect(runtimeChoices(knn, prep, [], false)).toEqual([]);
		const tree = { config: { ...DEFAULT_CONFIG, classic: { family: 'tree' } } } as unknown as typeof mlp;
		expect(runtimeChoices(tree, prep, [{ id: 'int8', label: 'int8' }], true).map((c) => c.value)).toEqual(['auto', 'tfjs', 'onnx:float32']);
	});
});
