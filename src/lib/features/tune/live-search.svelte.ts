import { asset } from '$app/paths';
import * as bridge from '$lib/bridge';
import { toUiError } from '$lib/components/ui-error';
import { dropTrialCheckpoints, getSetting, saveTrials, updateSearch, type Search } from '$lib/db';
import { jobs, type Job } from '$lib/jobs/registry.svelte';
import { promotionBar, rungBudgets, type SearchState } from '$workers/lib/tune';
import type { EpochRecord, TrialJob, TrialRecord } from '$workers/protocol';
import { CheckpointMemory } from './checkpoint-memory';
import { runSearch } from './search-runner';
import { familyLabel, trialConfig } from './trial-config';
import { trialCost } from './trial-cost';
import { span, workerSpans } from './trial-timeline';

const LOCK_PREFIX = 'kiln-search-';

/** Searches another tab (or this one) is running now: they hold a Web Lock named after them. */
export async function activeSearchIds(): Promise<Set<string>> {
	if (!navigator.locks) return new Set(live.searches.map((s) => s.search.id));
	const { held = [] } = await navigator.locks.query();
	return new Set(held.map((l) => l.name ?? '').filter((n) => n.startsWith(LOCK_PREFIX)).map((n) => n.slice(LOCK_PREFIX.length)));
}

/** A search running in this tab: its trials and live curves, and the job the header shows. */
export class LiveSearch {
	trials = $state.raw<TrialRecord[]>([]);
	histories = $state.raw<Record<number, EpochRecord[]>>({});
	/** Share done of each trial's current job. */
	progress = $state.raw<Record<number, number>>({});
	notes = $state.raw<string[]>([]);

	constructor(
		readonly search: Search,
		readonly job: Job,
		private readonly state: SearchState,
		histories: Record<number, EpochRecord[]>
	) {
		this.trials = structuredClone(state.trials);
		this.histories = histories;
	}

	get maxTrials(): number {
		return this.state.settings.maxTrials;
	}

	note(message: string): void {
		this.notes = [...this.notes, message];
		this.job.log(message);
	}

	sync(): void {
		this.trials = structuredClone(this.state.trials);
		const ended = this.trials.filter((t) => t.results.every((r) => r.status !== 'running' && r.status !== 'queued')).length;
		const running = this.trials.filter((t) => t.results.some((r) => r.status === 'running')).length;
		if (!this.job.active) return;
		this.job.progress = Math.min(0.99, ended / this.maxTrials);
		this.job.label = `${this.trials.length} of ${this.maxTrials} trials started, ${running} training now`;
	}

	/**
	 * Live curves and progress reach the views at most every LIVE_UPDATE_MS, and not while the tab
	 * is hidden: with every epoch of every worker redrawing the charts and table, the page took
	 * CPU the trials needed (tune bench).
	 */
	#curves: Record<number, EpochRecord[]> = {};
	#progress: Record<number, number> = {};
	#timer: ReturnType<typeof setTimeout> | null = null;

	curve(trialId: number, history: EpochRecord[]): void {
		this.#curves[trialId] = history;
		this.#schedule();
	}

	/** A trial's latest curve, shown or not yet. */
	historyOf(trialId: number): EpochRecord[] | undefined {
		return this.#curves[trialId] ?? this.histories[trialId];
	}

	progressOf(trialId: number, fraction: number): void {
		this.#progress[trialId] = fraction;
		this.#schedule();
	}

	#changed = false;

	/**
	 * The search's state moved (a job started or ended): the table, charts and header catch up
	 * with the next live update, not once per job (an ASHA search starts and ends ~100 jobs, and
	 * each sync cloned every trial and redrew the views on the page's main thread).
	 */
	changed(): void {
		this.#changed = true;
		this.#schedule();
	}

	#hidden = false;

	#schedule(): void {
		if (!this.#hidden) this.#timer ??= setTimeout(() => this.flush(), LIVE_UPDATE_MS);
	}

	/** Show the pending curves and progress now (a hidden tab: when it is shown again). */
	flush(): void {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		if (this.job.active && typeof document !== 'undefined' && document.visibilityState === 'hidden') {
			// Waiting for the tab to show: #schedule sets no timer meanwhile.
			if (!this.#hidden) document.addEventListener('visibilitychange', () => ((this.#hidden = false), this.flush()), { once: true });
			this.#hidden = true;
			return;
		}
		if (Object.keys(this.#curves).length > 0) this.histories = { ...this.histories, ...this.#curves };
		if (Object.keys(this.#progress).length > 0) this.progress = { ...this.progress, ...this.#progress };
		this.#curves = {};
		this.#progress = {};
		if (this.#changed) {
			this.#changed = false;
			this.sync();
		}
	}
}

// 1 s: at 500 ms the page's share of a search's CPU was still measurable on 2 cores (tune bench).
const LIVE_UPDATE_MS = 1000;

class LiveSearches {
	searches = $state.raw<LiveSearch[]>([]);

	find(id: string): LiveSearch | undefined {
		return this.searches.find((s) => s.search.id === id && s.job.active);
	}

	add(s: LiveSearch): void {
		this.searches = [...this.searches.filter((x) => x.search.id !== s.search.id), s];
	}
}

export const live = new LiveSearches();

/**
 * Run a stored search in this tab until it ends: trials in the ML worker pool, each stored as
 * it changes, the search's status stored at the end (done, cancelled, or failed with why).
 */
export function runLiveSearch(search: Search, state: SearchState, histories: Record<number, EpochRecord[]> = {}, note?: string): LiveSearch {
	const job = jobs.add('tune', search.projectId, `Search: ${state.settings.maxTrials} trials of ${search.settings.family === 'mlp' ? 'MLP' : familyLabel(search.settings.family)}`);
	job.status = 'running';
	const ls = new LiveSearch(search, job, state, histories);
	live.add(ls);
	if (note) ls.note(note);
	ls.sync();
	const plan = search.settings;
	// Image trials in transfer mode fetch the shipped backbone from this site, as image runs do.
	const backbone = search.base.vision ? { backboneUrl: new URL(asset('/models/fashion-backbone/'), location.href).href } : {};
	const lastRung = rungBudgets(plan.search.scheduler).length - 1;
	// Paused trials' states, handed to their promotions in whichever worker is free.
	const paused = new CheckpointMemory();
	// Jobs a resumed search runs again: only they may find their own result stored.
	// The backend setting is read once per search, not per job (an IndexedDB read on the page before every trial).
	const backendChoice = getSetting('backend');
	backendChoice.catch(() => {}); // each job awaits it and fails on its own
	const reruns = new Set(state.trials.flatMap((t) => t.results.filter((r) => r.status === 'queued' || r.status === 'running').map((r) => `${t.trialId}:${r.rung}`)));
	// The bar a job's score must reach to be worth a checkpoint, taken as the job starts (later results only raise it).
	const promotable = (rung: number) => {
		const bar = rung === lastRung ? null : promotionBar(state, rung);
		return bar ? { promotionBar: bar } : {};
	};
	const runJob = async (tj: TrialJob, signal: AbortSignal) => {
		let history: EpochRecord[] = tj.resumeFrom ? [...(ls.historyOf(tj.trialId) ?? [])].slice(0, tj.resumeFrom.budget) : [];
		const asked = performance.now();
		let started = asked;
		let eventsMs = 0;
		let events = 0;
		const detail = { trialId: tj.trialId, rung: tj.rung };
		const checkpoint = tj.resumeFrom ? paused.take(tj.trialId, tj.resumeFrom.budget) : undefined;
		const outcome = await bridge.trainTrial(
			{ searchId: search.id, trialId: tj.trialId, rung: tj.rung, budget: tj.budget, resumeFrom: tj.resumeFrom, datasetId: search.datasetId, config: trialConfig(search.base, plan.family, tj.config, tj.budget), metric: plan.metric, lastRung: tj.rung === lastRung, ...backbone, ...(checkpoint ? { checkpoint } : {}), fresh: !reruns.has(`${tj.trialId}:${tj.rung}`), ...promotable(tj.rung) },
			() => backendChoice,
			(event) => {
				const t = performance.now();
				events++;
				if (event.type === 'metric') {
					const { type: _t, metricName: _m, ...record } = event;
					history = [...history.filter((h) => h.epoch < record.epoch), record];
					ls.curve(tj.trialId, history);
				} else if (event.type === 'progress') ls.progressOf(tj.trialId, event.fraction);
				else if (event.type === 'log' && /already trained|no checkpoint/.test(event.message)) ls.note(event.message);
				eventsMs += performance.now() - t;
			},
			signal,
			() => {
				started = performance.now();
				span('queue', asked, started, detail);
			}
		);
		const ended = performance.now();
		span('job', started, ended, detail);
		span('page-events', started, ended, { ...detail, busyMs: eventsMs, events });
		workerSpans(outcome.phases, detail);
		// The job's ends outside the worker's own stretches: the backend call and request reaching the worker, the result reaching the page.
		const first = outcome.phases?.[0];
		const last = outcome.phases?.at(-1);
		if (first && last) {
			span('dispatch', started, first.start - performance.timeOrigin, detail);
			span('return', last.end - performance.timeOrigin, ended, detail);
		}
		if (outcome.checkpoint) paused.keep(tj.trialId, outcome.checkpoint);
		if (outcome.started === 'stored') ls.note(`Trial ${tj.trialId} had finished ${tj.budget} epochs before the reload: its stored result was kept, not trained again.`);
		return { score: outcome.score, history: outcome.history, ...(outcome.spread ? { spread: outcome.spread } : {}) };
	};
	const lock = (body: () => Promise<void>) => (navigator.locks ? (navigator.locks.request(`${LOCK_PREFIX}${search.id}`, body) as Promise<void>) : body());
	void lock(async () => {
		try {
			await updateSearch(search.id, { status: 'running', error: undefined });
			jobs.stored();
			const outcome = await runSearch(
				state,
				{
					slots: Math.max(1, Math.min(plan.parallel, bridge.searchSlots)),
					runJob,
					cost: trialCost(search.base, plan.family, rungBudgets(plan.search.scheduler)[0]),
					save: async (changes) => {
						const t = performance.now();
						await saveTrials(search.id, changes);
						for (const { trial, history } of changes) span(history ? 'save-ended' : 'save-started', t, performance.now(), { trialId: trial.trialId });
					},
					onChange: (_s, event) => {
						if (event.history) ls.curve(event.job.trialId, event.history);
						// Not jobs.stored(): that reads the whole project again, once per trial; the
						// live views show the trials, and the search's own status changes only at its end.
						ls.changed();
					}
				},
				job.controller.signal
			);
			if (outcome === 'done') {
				await updateSearch(search.id, { status: 'done', finishedAt: Date.now() });
				// Nothing more will be promoted: free the weights and optimiser state of every trial.
				await dropTrialCheckpoints(search.id).catch(() => {});
				job.progress = 1;
				job.finish('done');
			} else {
				await updateSearch(search.id, { status: 'cancelled', error: 'Cancelled by you; resume it to continue where it stopped.' }).catch(() => {});
				job.finish('cancelled');
			}
		} catch (e) {
			const error = toUiError(e);
			await updateSearch(search.id, { status: 'failed', error: error.message, finishedAt: Date.now() }).catch(() => {});
			job.finish('failed', error);
		} finally {
			paused.clear();
			ls.flush();
			ls.sync();
			jobs.stored();
		}
	});
	return ls;
}
