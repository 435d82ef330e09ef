import { describe, expect, it, vi } from 'vitest';
import { createSearch, restoreSearch, type SearchSettings, type SearchState } from '$workers/lib/tune';
import type { EpochRecord, TrialJob, TrialParams, TrialRecord } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { runSearch, type JobResult, type SearchDeps } from './search-runner';

const SETTINGS: SearchSettings = {
	space: { lr: { type: 'float', low: 1e-4, high: 1, log: true }, units: { type: 'int', low: 4, high: 64 } },
	sampler: { kind: 'tpe', startupTrials: 3 },
	scheduler: { kind: 'asha', eta: 3, minBudget: 1, maxBudget: 9 },
	direction: 'minimize',
	maxTrials: 10,
	seed: 3
};

/** A seeded stand-in for training: the loss falls with epochs and is lowest near lr 0.01, 40 units. */
const loss = (config: TrialParams, epochs: number) => (Math.log10(config.lr as number) + 2) ** 2 + ((config.units as number) - 40) ** 2 / 400 + 1 / epochs;
const curve = (config: TrialParams, epochs: number): EpochRecord[] => Array.from({ length: epochs }, (_, i) => ({ epoch: i + 1, trainLoss: loss(config, i + 1), valLoss: loss(config, i + 1), valMetric: 0 }));

/** A fake pool: records every job it ran and how many ran at once; each job takes a few ticks. */
function fakeTrainer(options: { fail?: (job: TrialJob) => Error | null; onStart?: (started: number) => void } = {}) {
	const ran: TrialJob[] = [];
	let running = 0;
	let peak = 0;
	const runJob = async (job: TrialJob, signal: AbortSignal): Promise<JobResult> => {
		ran.push(job);
		options.onStart?.(ran.length);
		running++;
		peak = Math.max(peak, running);
		try {
			for (let tick = 0; tick < 1 + (job.trialId % 3); tick++) {
				await new Promise((resolve) => setTimeout(resolve, 1));
				if (signal.aborted) throw new KilnError('AbortError', 'Cancelled.');
			}
			const failure = options.fail?.(job);
			if (failure) throw failure;
			return { score: loss(job.config, job.budget), history: curve(job.config, job.budget) };
		} finally {
			running--;
		}
	};
	return { ran, runJob, peak: () => peak };
}

function memoryStore() {
	const rows = new Map<number, { record: TrialRecord; history: EpochRecord[] }>();
	const save: SearchDeps['save'] = async (changes) => {
		for (const { trial, history } of changes) rows.set(trial.trialId, { record: structuredClone(trial), history: history ?? rows.get(trial.trialId)?.history ?? [] });
	};
	return { rows, save, records: () => [...rows.values()].map((r) => r.record) };
}

const finished = (state: SearchState) => state.trials.flatMap((t) => t.results.filter((r) => r.status === 'done' || r.status === 'failed' || r.status === 'pruned').map((r) => `${t.trialId}@${r.rung}`));

describe('runSearch', () => {
	it('keeps every slot busy, never more, stores each trial, and promotes with ASHA to the end', async () => {
		const state = createSearch(SETTINGS);
		const trainer = fakeTrainer();
		const store = memoryStore();
		expect(await runSearch(state, { slots: 2, runJob: trainer.runJob, save: store.save }, new AbortController().signal)).toBe('done');
		expect(trainer.peak()).toBe(2);
		expect(state.trials).toHaveLength(10);
		expect(store.records()).toEqual(state.trials);
		expect(state.trials.some((t) => t.results.some((r) => r.rung === 2))).toBe(true);
		// every promotion continues from the rung below
		for (const job of trainer.ran.filter((j) => j.rung > 0)) expect(job.resumeFrom).toEqual({ rung: job.rung - 1, budget: [1, 3, 9][job.rung - 1] });
		// the stored curve of a finished trial is its last job's
		const top = state.trials.find((t) => t.results.some((r) => r.rung === 2))!;
		expect(store.rows.get(top.trialId)!.history).toHaveLength(9);
	});

	it('records a failed trial and a diverged one, and goes on', async () => {
		const state = createSearch({ ...SETTINGS, scheduler: { kind: 'plain', budget: 3 }, maxTrials: 6 });
		const trainer = fakeTrainer({
			fail: (job) => (job.trialId === 1 ? new KilnError('TrainingError', 'The worker ran out of memory.') : job.trialId === 4 ? new KilnError('DivergedError', 'The loss exploded.') : null)
		});
		const store = memoryStore();
		expect(await runSearch(state, { slots: 3, runJob: trainer.runJob, save: store.save }, new AbortController().signal)).toBe('done');
		expect(state.trials[1].results[0]).toMatchObject({ status: 'failed', score: null, message: 'The worker ran out of memory.' });
		expect(state.trials[4].results[0]).toMatchObject({ status: 'pruned', score: null });
		expect(state.trials.filter((t) => t.results[0].status === 'done')).toHaveLength(4);
	});

	it('after a cancel (a reload), resumes without repeating any finished job and ends as the uninterrupted search', async () => {
		const straight = createSearch(SETTINGS);
		await runSearch(straight, { slots: 1, ...fakeTrainer(), save: memoryStore().save }, new AbortController().signal);

		const controller = new AbortController();
		const first = fakeTrainer({ onStart: (n) => n === 7 && controller.abort() });
		const store = memoryStore();
		const interrupted = createSearch(SETTINGS);
		expect(await runSearch(interrupted, { slots: 1, runJob: first.runJob, save: store.save }, controller.signal)).toBe('cancelled');
		const done = finished(interrupted);
		expect(done.length).toBe(6);
		// the stored records are all a reload has: one job is still marked running
		expect(store.records().flatMap((t) => t.results).filter((r) => r.status === 'running')).toHaveLength(1);

		const resumed = restoreSearch(SETTINGS, store.records());
		const second = fakeTrainer();
		expect(await runSearch(resumed, { slots: 1, runJob: second.runJob, save: store.save }, new AbortController().signal)).toBe('done');
		const rerun = second.ran.map((j) => `${j.trialId}@${j.rung}`);
		expect(rerun.filter((key) => done.includes(key))).toEqual([]);
		expect(second.ran[0]).toMatchObject({ trialId: first.ran[6].trialId, rung: first.ran[6].rung });
		// same proposals, same promotions, same scores as if nothing had happened
		const strip = (s: SearchState) => s.trials.map((t) => ({ config: t.config, results: t.results.map((r) => [r.rung, r.status, r.score]) }));
		expect(strip(resumed)).toEqual(strip(straight));
	});

	it('stores a k-fold trial\'s spread with its score, and the trial table reads it', async () => {
		const { trialSummaries } = await import('$workers/lib/tune');
		const state = createSearch({ ...SETTINGS, scheduler: { kind: 'plain', budget: 2 }, maxTrials: 3 });
		const store = memoryStore();
		const runJob = async (job: TrialJob): Promise<JobResult> => ({ score: loss(job.config, 2), history: curve(job.config, 2), spread: { std: 0.01 * (job.trialId + 1), folds: 5 } });
		expect(await runSearch(state, { slots: 2, runJob, save: store.save }, new AbortController().signal)).toBe('done');
		for (const record of store.records()) expect(record.results[0].spread).toEqual({ std: 0.01 * (record.trialId + 1), folds: 5 });
		expect(trialSummaries(restoreSearch(state.settings, store.records())).map((t) => t.spread?.std)).toEqual([0.01, 0.02, 0.03]);
	});

	it('gives a free worker its next job while a store is pending, then stores the newest state of every trial that changed meanwhile in one go', async () => {
		const state = createSearch(SETTINGS);
		const trainer = fakeTrainer();
		const store = memoryStore();
		const batches: string[][] = [];
		let release!: () => void;
		const held = new Promise<void>((resolve) => (release = resolve));
		// The first store hangs (a slow disk) until three jobs have run; the runner must not wait for it.
		const save: SearchDeps['save'] = async (changes) => {
			const first = batches.length === 0;
			batches.push(changes.map(({ trial }) => `${trial.trialId}:${trial.results.map((r) => r.status).join('/')}`));
			if (first) await held;
			await store.save(changes);
		};
		const done = runSearch(state, { slots: 1, runJob: trainer.runJob, save }, new AbortController().signal);
		await vi.waitFor(() => expect(trainer.ran.length).toBeGreaterThanOrEqual(3));
		expect(batches).toEqual([['0:running']]);
		const touchedWhileHeld = new Set(trainer.ran.map((j) => j.trialId)).size;
		release();
		expect(await done).toBe('done');
		// The second store carries each trial once, as it was when the first store ended: trial 0
		// done (perhaps promoted and done again), never as running again.
		const second = batches[1];
		expect(second[0]).toMatch(/^0:done/);
		expect(new Set(second.map((k) => k.split(':')[0])).size).toBe(second.length);
		expect(second.length).toBeGreaterThanOrEqual(touchedWhileHeld);
		expect(store.records()).toEqual(state.trials);
	});

	it('stops when a trial cannot be stored (the search was deleted)', async () => {
		const state = createSearch(SETTINGS);
		let saves = 0;
		const save = async () => {
			if (++saves > 3) throw new KilnError('NotFoundError', 'This search does not exist any more.');
		};
		await expect(runSearch(state, { slots: 2, runJob: fakeTrainer().runJob, save }, new AbortController().signal)).rejects.toMatchObject({ name: 'NotFoundError' });
	});

	it('with a cost estimate, starts the costliest configs of a plain random search first on every slot', async () => {
		const settings: SearchSettings = { ...SETTINGS, sampler: { kind: 'random' }, scheduler: { kind: 'plain', budget: 3 }, maxTrials: 8 };
		const trainer = fakeTrainer();
		const cost = (config: TrialParams) => config.units as number;
		expect(await runSearch(createSearch(settings), { slots: 2, runJob: trainer.runJob, save: memoryStore().save, cost }, new AbortController().signal)).toBe('done');
		const units = trainer.ran.map((j) => j.config.units as number);
		expect(units).toEqual([...units].sort((a, b) => b - a));
		const plain = fakeTrainer();
		await runSearch(createSearch(settings), { slots: 2, runJob: plain.runJob, save: memoryStore().save }, new AbortController().signal);
		expect([...units].sort()).toEqual(plain.ran.map((j) => j.config.units as number).sort());
	});
});
