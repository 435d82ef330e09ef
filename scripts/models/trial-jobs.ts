// A trial job's fixed cost against its epochs, in Node on wasm: each digits config of the tune bench's grid
// trained for 3 epochs (an ASHA first rung) and for 27 (the grid), after the studio's trial warm-up.
//   node scripts/models/run-ts.mjs scripts/models/trial-jobs.ts
import type { JobEvent, TrainConfig, TrialRequest } from '$workers/protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { runTrial } from '$workers/lib/trial';
import { warmTrialPath } from '$workers/lib/trial-warmup';
import { createTrialDataCache } from '$workers/lib/trial-data';
import { loadDataset } from '../../tests/unit-support';
import { useNodeWasm } from './node-wasm';

export default async function main(): Promise<void> {
	await useNodeWasm();
	const table = loadDataset('digits.csv');
	const target = table.columns.at(-1)!.name;
	const base: TrainConfig = { ...DEFAULT_CONFIG, target, task: 'classification', features: table.columns.slice(0, -1).map((c) => c.name), patience: 0 };
	const t0 = performance.now();
	await warmTrialPath(new AbortController().signal);
	console.log(`warm-up ${(performance.now() - t0).toFixed(0)} ms`);
	const prepare = createTrialDataCache();
	let id = 0;
	for (const budget of [3, 27, 3]) {
		for (const layers of [1, 2, 3]) {
			for (const units of [8, 45, 256]) {
				const config = { ...base, hiddenLayers: Array(layers).fill(units), learningRate: 0.00173205 };
				const request: TrialRequest = { searchId: 's', trialId: id++, rung: 0, budget, resumeFrom: null, datasetId: 'd', config, metric: 'valLoss' };
				const marks: number[] = [];
				const start = performance.now();
				const onEvent = (e: JobEvent) => void (e.type === 'metric' && marks.push(performance.now()));
				await runTrial(table, request, { checkpoint: null, prepare, onEvent, saveCheckpoint: async () => {} });
				const end = performance.now();
				const epochs = marks.map((m, i) => m - (i === 0 ? start : marks[i - 1]));
				const steady = epochs.length > 3 ? epochs.slice(-5).reduce((a, b) => a + b, 0) / Math.min(5, epochs.length) : NaN;
				console.log(`${budget} epochs ${layers}×${units}: ${(end - start).toFixed(0)} ms; to the first epoch's end ${epochs[0].toFixed(0)}, then ${epochs.slice(1, 4).map((e) => e.toFixed(0)).join(' ')}${Number.isNaN(steady) ? '' : `, last five ${steady.toFixed(1)} each`}; after the last epoch ${(end - marks.at(-1)!).toFixed(0)}`);
			}
		}
	}
}
