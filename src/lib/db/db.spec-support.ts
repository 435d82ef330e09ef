import type { ModelArtifacts, TrainResult } from '$workers/protocol';
import { closeKilnDb } from './open';

/** Every db spec starts from an empty database, so one spec's records never leak into another's. */
export async function resetKilnDb(): Promise<void> {
	await closeKilnDb();
	await new Promise((resolve) => {
		const request = indexedDB.deleteDatabase('kiln');
		request.onsuccess = request.onerror = resolve;
	});
}

const runFacts = {
	history: [],
	backend: 'cpu',
	droppedRows: 0,
	bestEpoch: 1,
	stoppedEarly: false
} as const;

/** A finished classifier run on the 'x → y (a|b)' table; storage specs never read the weights. */
export function classificationResult(model: ModelArtifacts = { modelTopology: {}, weightSpecs: [], weightData: new ArrayBuffer(0) }): TrainResult {
	return {
		...runFacts,
		history: [],
		model,
		preprocessing: { features: [{ name: 'x', kind: 'numeric', mean: 2, std: 1 }], target: { name: 'y', task: 'classification', classes: ['a', 'b'] }, inputSize: 1 },
		metrics: { task: 'classification', accuracy: 1, macroF1: 1, classes: ['a', 'b'], confusion: [[1, 0], [0, 0]], support: 1 },
		trainRows: 2,
		validationRows: 0,
		holdoutRows: 1,
		durationMs: 5,
		samplesPerSecond: 100
	};
}

/** A finished regressor run with no features; enough for records that only need a run to exist. */
export function regressionResult(): TrainResult {
	return {
		...runFacts,
		history: [],
		model: { modelTopology: {}, weightSpecs: [], weightData: new ArrayBuffer(8) },
		preprocessing: { features: [], inputSize: 0, target: { name: 'y', task: 'regression', mean: 0, std: 1 } },
		metrics: { task: 'regression', rmse: 1, mae: 1, r2: 0.5, support: 3 },
		trainRows: 3,
		validationRows: 1,
		holdoutRows: 1,
		durationMs: 1,
		samplesPerSecond: 1
	};
}
