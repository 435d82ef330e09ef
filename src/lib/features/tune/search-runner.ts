import { isFinished, nextJob, report, type SearchState } from '$workers/lib/tune';
import type { TrialChange } from '$lib/db';
import type { EpochRecord, TrialJob, TrialRecord } from '$workers/protocol';

/** What one job of a trial came to; a thrown error becomes a failed (or, diverged, pruned) result. */
export interface JobResult {
	score: number | null;
	/** k-fold trials: the std of the score over the folds. */
	spread?: { std: number; folds: number };
	history: EpochRecord[];
}

export interface SearchDeps {
	/** Jobs that run at once (one worker each). */
	slots: number;
	/** Train the job; rejects with an AbortError when the search is cancelled. */
	runJob: (job: TrialJob, signal: AbortSignal) => Promise<JobResult>;
	/** Store trials as they change (each one's record, and its curve once a job ends), all or none. */
	save: (changes: TrialChange[]) => Promise<void>;
	/** A config's estimated training cost: a plain random or grid search then starts its costliest configs first (tune library's nextJob). */
	cost?: (config: TrialJob['config']) => number;
	/** Called after every change to the search's state (for live views). */
	onChange?: (state: SearchState, event: { type: 'started' | 'ended'; job: TrialJob; history?: EpochRecord[] }) => void;
}

export type SearchOutcome = 'done' | 'cancelled';

const isAbort = (e: unknown) => (e as { name?: string } | null)?.name === 'AbortError';
const messageOf = (e: unknown) => (e instanceof Error || (typeof e === 'object' && e && 'message' in e) ? String((e as { message: unknown }).message) : String(e));

/**
 * Run a search to the end (or until `signal` aborts), keeping `slots` jobs busy: ask the tune
 * library for the next job whenever a worker is free, store every trial as it changes. A failed
 * job is recorded and the search goes on. On cancel, jobs in flight are not reported: they stay
 * `running` in the store, and `restoreSearch` queues them again when the search resumes.
 * A failure to store anything (the search was deleted, the disk is full) ends the search.
 *
 * Stores run one at a time, each a snapshot of the trials that changed since the last began, the
 * newest state of each; a free worker gets its next job without waiting for them (the tune bench
 * measured IndexedDB writes at 0.2–0.6 s each on a busy machine, idling the pool between trials).
 * Stores had trailed a search by several jobs (an e2e reload found none of two finished jobs
 * stored): the cause was a worker's checkpoint transaction left open while it trained, which
 * every store here waited behind (workers/lib/yield-task.ts); batching keeps them one write
 * behind at most. A reload before a store lands loses only what a reload during the job would:
 * the job runs again on resume.
 */
export async function runSearch(state: SearchState, deps: SearchDeps, signal: AbortSignal): Promise<SearchOutcome> {
	const inFlight = new Set<Promise<void>>();
	let fatal: unknown = null;
	const pending = new Map<number, TrialChange>();
	let writing: Promise<void> | null = null;
	const write = () => {
		if (writing || pending.size === 0 || fatal) return;
		const changes = [...pending.values()];
		pending.clear();
		writing = deps
			.save(changes)
			.catch((e) => {
				fatal ??= e;
			})
			.finally(() => {
				writing = null;
				write();
			});
	};
	const store = (trial: TrialRecord, history?: EpochRecord[]) => {
		// A newer record without a curve keeps the curve its job's end brought (it is not stored yet).
		pending.set(trial.trialId, { trial: structuredClone(trial), history: history ?? pending.get(trial.trialId)?.history });
		write();
	};

	const execute = async (job: TrialJob) => {
		let result: { score: number | null; status: 'done' | 'failed' | 'pruned'; message?: string; history?: EpochRecord[]; spread?: JobResult['spread'] };
		try {
			const outcome = await deps.runJob(job, signal);
			result = { score: outcome.score, status: 'done', history: outcome.history, ...(outcome.spread ? { spread: outcome.spread } : {}) };
		} catch (e) {
			if (isAbort(e) || signal.aborted) return;
			const diverged = (e as { name?: string }).name === 'DivergedError';
			result = { score: null, status: diverged ? 'pruned' : 'failed', message: messageOf(e) };
		}
		const trial = report(state, job.trialId, job.rung, result.score, result.status, result.message, result.spread);
		deps.onChange?.(state, { type: 'ended', job, history: result.history });
		store(trial, result.history);
	};

	const launch = async (): Promise<void> => {
		while (!signal.aborted && !fatal && inFlight.size < deps.slots) {
			const job = nextJob(state, { cost: deps.cost });
			if (!job) return;
			// Stored as running (queued before its result), so a reload knows to run it again.
			store(state.trials[job.trialId]);
			deps.onChange?.(state, { type: 'started', job });
			const task: Promise<void> = execute(job)
				.catch((e) => {
					fatal ??= e;
				})
				.finally(() => inFlight.delete(task));
			inFlight.add(task);
		}
	};

	try {
		await launch();
	} catch (e) {
		fatal = e;
	}
	while (inFlight.size > 0) {
		await Promise.race(inFlight);
		if (!signal.aborted && !fatal) {
			try {
				await launch();
			} catch (e) {
				fatal = e;
			}
		}
	}
	while (writing) await writing;
	if (fatal) throw fatal;
	// Nothing in flight and no job to start: finished (isFinished), or nothing more can run.
	return signal.aborted && !isFinished(state) ? 'cancelled' : 'done';
}
