import * as Comlink from 'comlink';
import { describe, expect, it } from 'vitest';
import { WorkerPool } from './pool';

interface FakeApi {
	prepare(): Promise<number>;
	work(): Promise<number>;
	/** Runs until the next work() call, as the ML worker's warm-up stops at a job's first call. */
	warmUp(): Promise<string>;
}

/** A "worker" that is a MessageChannel port with a Comlink-exposed API: counts its starts and calls. */
function fakeWorkers() {
	const made: { prepared: number; jobs: number }[] = [];
	const create = () => {
		const { port1, port2 } = new MessageChannel();
		const own = { prepared: 0, jobs: 0 };
		made.push(own);
		let stopWarmUp: (() => void) | null = null;
		const api: FakeApi = {
			prepare: async () => ++own.prepared,
			work: async () => {
				stopWarmUp?.();
				return ++own.jobs;
			},
			warmUp: () => new Promise((resolve) => (stopWarmUp = () => resolve('stopped by a job')))
		};
		Comlink.expose(api, port2);
		return Object.assign(port1, { terminate: () => (port1.close(), port2.close()) }) as unknown as Worker;
	};
	return { made, create };
}

describe('WorkerPool.warm', () => {
	it('starts workers up to the count and the pool size; jobs then run in them, not in new ones', async () => {
		const { made, create } = fakeWorkers();
		const pool = new WorkerPool<FakeApi>(create, 'test', 2, 50);
		await pool.warm(5, (api) => api.prepare());
		expect(made.map((w) => w.prepared)).toEqual([1, 1]);
		await Promise.all([pool.run((api) => api.work()), pool.run((api) => api.work())]);
		expect(made.length).toBe(2);
		expect(made.map((w) => w.jobs)).toEqual([1, 1]);
		// Warm and idle already: nothing more to start.
		await pool.warm(2, (api) => api.prepare());
		expect(made.length).toBe(2);
	});

	it('a job that takes a worker still warming waits behind its preparation; a failed one is ignored', async () => {
		const { made, create } = fakeWorkers();
		const pool = new WorkerPool<FakeApi>(create, 'test', 1, 50);
		const order: string[] = [];
		const warming = pool.warm(1, async (api) => {
			await api.prepare();
			order.push('prepared');
			throw new Error('no backend');
		});
		const job = pool.run(async (api) => {
			order.push('job');
			return api.work();
		});
		await Promise.all([warming, job]);
		expect(order).toEqual(['prepared', 'job']);
		expect(made.length).toBe(1);
	});

	it('a job does not wait for the work run alongside the queue: its first call reaches the worker, which stops that work', async () => {
		const { made, create } = fakeWorkers();
		const pool = new WorkerPool<FakeApi>(create, 'test', 1, 50);
		let warmUp: Promise<string> | null = null;
		const warming = pool.warm(1, (api) => api.prepare(), (api) => (warmUp = api.warmUp()));
		// The warm-up would run forever; the job's work() ends it.
		expect(await pool.run((api) => api.work())).toBe(1);
		await warming;
		expect(await warmUp).toBe('stopped by a job');
		expect(made.map((w) => [w.prepared, w.jobs])).toEqual([[1, 1]]);
	});
});
