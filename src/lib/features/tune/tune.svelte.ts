import { toUiError, type UiError } from '$lib/components/ui-error';
import { createSearch as storeSearch, deleteSearch, listSearches, listTrials, settleOrphanSearches, type Search, type Trial } from '$lib/db';
import { createSearch, restoreSearch, validateSettings } from '$workers/lib/tune';
import type { EpochRecord, SearchPlan, TrainConfig } from '$workers/protocol';
import { jobs } from '$lib/jobs/registry.svelte';
import { activeSearchIds, live, runLiveSearch } from './live-search.svelte';

/** The Tune section of one project: its stored searches and the trials of the one on show. */
export class TuneState {
	searches = $state.raw<Search[]>([]);
	/** Stored trials of the selected search (a running search shows its live trials instead). */
	trials = $state.raw<{ searchId: string; trials: Trial[] } | null>(null);
	error = $state<UiError | null>(null);
	loaded = $state(false);

	constructor(readonly projectId: string) {}

	async load(): Promise<void> {
		try {
			await settleOrphanSearches(this.projectId, await activeSearchIds());
			this.searches = await listSearches(this.projectId);
		} catch (e) {
			this.error = toUiError(e);
		} finally {
			this.loaded = true;
		}
	}

	async loadTrials(searchId: string): Promise<void> {
		try {
			const trials = await listTrials(searchId);
			this.trials = { searchId, trials };
		} catch (e) {
			this.error = toUiError(e);
		}
	}

	/** Start a new search; returns its id, or null when the settings were refused (the error says why). */
	async start(datasetId: string, plan: SearchPlan, base: TrainConfig): Promise<string | null> {
		this.error = null;
		try {
			validateSettings(plan.search);
			const search = await storeSearch({ projectId: this.projectId, datasetId, settings: plan, base });
			runLiveSearch(search, createSearch(plan.search));
			await this.load();
			return search.id;
		} catch (e) {
			this.error = toUiError(e);
			return null;
		}
	}

	/** Continue an interrupted or cancelled search from its stored trials; finished jobs are kept. */
	async resume(search: Search): Promise<void> {
		this.error = null;
		try {
			const stored = await listTrials(search.id);
			const state = restoreSearch(search.settings.search, stored.map((t) => t.record));
			const results = state.trials.flatMap((t) => t.results);
			const kept = results.filter((r) => r.status === 'done' || r.status === 'failed' || r.status === 'pruned').length;
			const again = results.filter((r) => r.status === 'queued').length;
			const histories: Record<number, EpochRecord[]> = Object.fromEntries(stored.map((t) => [t.record.trialId, t.history]));
			runLiveSearch(search, state, histories, `Resumed: ${kept} finished job${kept === 1 ? '' : 's'} kept, ${again} interrupted job${again === 1 ? '' : 's'} run again.`);
			await this.load();
		} catch (e) {
			this.error = toUiError(e);
		}
	}

	async remove(search: Search): Promise<void> {
		const running = live.find(search.id);
		if (running) {
			running.job.cancel();
			await running.job.settled;
		}
		try {
			await deleteSearch(search.id);
			await this.load();
			jobs.stored();
		} catch (e) {
			this.error = toUiError(e);
		}
	}
}
