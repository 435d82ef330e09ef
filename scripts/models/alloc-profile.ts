// Where a training step's memory goes, in Node on wasm: V8's sampling heap profiler (collected
// objects included) over four 10-epoch digits trials of a 64 × 64 network after the studio's trial
// warm-up, as KB per training step by allocating function (self and inclusive). A step that
// allocates less means fewer young-generation collections, which in the browser also run on the
// renderer's background threads beside a tune search's workers.
//   node scripts/models/run-ts.mjs scripts/models/alloc-profile.ts [top=25]
import { Session } from 'node:inspector/promises';
import type { TrainConfig, TrialRequest } from '$workers/protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { runTrial } from '$workers/lib/trial';
import { warmTrialPath } from '$workers/lib/trial-warmup';
import { createTrialDataCache } from '$workers/lib/trial-data';
import { loadDataset } from '../../tests/unit-support';
import { useNodeWasm } from './node-wasm';

interface ProfileNode {
	callFrame: { functionName: string; url: string; lineNumber: number };
	selfSize: number;
	children: ProfileNode[];
}

const TRIALS = 4;
const EPOCHS = 10;

export default async function main(args: string[] = []): Promise<void> {
	const top = Number(args[0] ?? 25);
	await useNodeWasm();
	const table = loadDataset('digits.csv');
	const target = table.columns.at(-1)!.name;
	const base: TrainConfig = { ...DEFAULT_CONFIG, target, task: 'classification', features: table.columns.slice(0, -1).map((c) => c.name), patience: 0 };
	await warmTrialPath(new AbortController().signal);
	const prepare = createTrialDataCache();
	const session = new Session();
	session.connect();
	await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
	let steps = 0;
	for (let id = 0; id < TRIALS; id++) {
		const config = { ...base, hiddenLayers: [64, 64], epochs: EPOCHS };
		const request: TrialRequest = { searchId: 's', trialId: id, rung: 0, budget: EPOCHS, resumeFrom: null, datasetId: 'd', config, metric: 'valLoss' };
		const outcome = await runTrial(table, request, { checkpoint: null, prepare, onEvent: () => {}, saveCheckpoint: async () => {} });
		if (outcome.score === null) throw new Error(`trial ${id} gave no score`);
		// The split's training share (the default 60 %), in batches.
		steps += EPOCHS * Math.ceil((table.rowCount * (1 - base.validationFraction - base.holdoutFraction)) / config.batchSize);
	}
	const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: ProfileNode } };
	session.disconnect();
	const self = new Map<string, number>();
	const inclusive = new Map<string, number>();
	let total = 0;
	const walk = (node: ProfileNode, above: Set<string>) => {
		const f = node.callFrame;
		const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
		total += node.selfSize;
		self.set(key, (self.get(key) ?? 0) + node.selfSize);
		const path = new Set(above).add(key);
		for (const k of path) inclusive.set(k, (inclusive.get(k) ?? 0) + node.selfSize);
		for (const child of node.children) walk(child, path);
	};
	walk(profile.head, new Set());
	const perStep = (bytes: number) => `${(bytes / steps / 1000).toFixed(2)} KB`;
	console.log(`${steps} steps, ${perStep(total)} a step`);
	for (const [title, map] of [['self', self], ['inclusive', inclusive]] as const) {
		console.log(`-- ${title}`);
		for (const [key, bytes] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${perStep(bytes).padStart(10)}  ${key}`);
	}
}
