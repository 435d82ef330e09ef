import { describe, expect, it } from 'vitest';
import type * as Comlink from 'comlink';
import { KilnError } from '$shared/errors';
import type { JobEvent, RunResult, TrainRequest } from '$workers/protocol';
import { defaultParams } from '$workers/lib/models';
import { classicConfig } from '$workers/lib/model-lab/config';
import { fitForestShare, type ForestShare } from '$workers/lib/model-lab/forest-share';
import { trainClassic } from '$workers/lib/model-lab/train-classic';
import { loadDataset } from '../../../tests/unit-support';
import { sharesForest, trainForestInPool, type ForestPool } from './forest';
import type { TrainJob } from './ml';

const table = loadDataset('penguins.csv');
const forest = { family: 'forest' as const, params: { ...defaultParams('forest', 'classification'), nTrees: 12 } };
const config = classicConfig({ target: 'species', task: 'classification', features: ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'island', 'sex'], seed: 21, holdoutFraction: 0.2, validationFraction: 0.15 }, forest);
const request: TrainRequest = { runId: 'r', datasetId: 'd', config, resume: false };

type Worker = Parameters<Parameters<ForestPool['run']>[0]>[0];

/** The ML pool with its workers replaced by direct calls on the table; counts how many jobs ran side by side at most. */
function fakePool(size: number, failShare = -1) {
	let running = 0;
	const stats = { most: 0, jobs: 0 };
	const api = {
		useBackend: async () => ({ backend: 'cpu', note: null }),
		train: async (r: TrainRequest, onEvent: (e: JobEvent) => void) => trainClassic(table, r.config, { onEvent }),
		fitForestShare: async ({ train, from, to }: { train: TrainRequest; from: number; to: number }, onProgress: (f: number) => void) => {
			if (from === failShare) throw new KilnError('TrainingError', 'Share failed on purpose.');
			return fitForestShare(table, train.config, from, to, { onProgress });
		},
		trainForest: async (r: TrainRequest, shares: ForestShare[], onEvent: (e: JobEvent) => void) => trainClassic(table, r.config, { onEvent, forestShares: shares })
	} as unknown as Comlink.Remote<Worker>;
	const pool: ForestPool = {
		size,
		async run(job, signal, onStart) {
			if (signal?.aborted) throw new KilnError('AbortError', 'Cancelled.');
			stats.jobs++;
			stats.most = Math.max(stats.most, ++running);
			onStart?.();
			// Let the other queued jobs start first, as pool workers would.
			await Promise.resolve();
			try {
				return await job(api);
			} finally {
				running--;
			}
		}
	};
	return { pool, stats };
}

async function trainWith(size: number): Promise<{ result: RunResult; events: JobEvent[]; jobs: number; most: number }> {
	const events: JobEvent[] = [];
	const { pool, stats } = fakePool(size);
	const job: TrainJob = { request, backend: async () => 'cpu', onEvent: (e) => events.push(e) };
	const result = sharesForest(job, pool) ? await trainForestInPool(job, pool) : await pool.run((api) => api.train(request, (e) => events.push(e)));
	return { result, events, jobs: stats.jobs, most: stats.most };
}

describe('a random forest run over the ML pool', () => {
	it('1 worker and 2 or 4 workers store the identical forest for one seed', async () => {
		const one = await trainWith(1);
		expect(one.jobs).toBe(1);
		for (const size of [2, 4]) {
			const many = await trainWith(size);
			expect(many.jobs).toBe(size + 1);
			expect(many.most).toBe(size);
			expect(new Uint8Array(many.result.model.weightData)).toEqual(new Uint8Array(one.result.model.weightData));
			expect(many.result.metrics).toEqual(one.result.metrics);
			const stages = many.events.flatMap((e) => (e.type === 'stage' ? [e.fraction] : []));
			expect(stages.length).toBeGreaterThan(0);
			expect(stages.every((f, i) => i === 0 || f >= stages[i - 1])).toBe(true);
			expect(many.events.some((e) => e.type === 'log' && e.message.includes(`over ${size} workers`))).toBe(true);
		}
	});

	it('a failed share names its error and stops the run; a cancelled run is an AbortError', async () => {
		const { pool } = fakePool(2, 6);
		await expect(trainForestInPool({ request, backend: async () => 'cpu', onEvent: () => {} }, pool)).rejects.toThrow(/Share failed on purpose/);
		const stop = new AbortController();
		stop.abort();
		await expect(trainForestInPool({ request, backend: async () => 'cpu', onEvent: () => {}, signal: stop.signal }, fakePool(2).pool)).rejects.toMatchObject({ name: 'AbortError' });
		expect(sharesForest({ request: { ...request, config: classicConfig(config, { family: 'tree', params: defaultParams('tree', 'classification') }) }, backend: async () => 'cpu', onEvent: () => {} }, pool)).toBe(false);
	});
});
