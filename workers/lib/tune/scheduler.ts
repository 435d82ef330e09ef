import { KilnError } from '$shared/errors';
import { buildGrid, proposeConfig, samplerCapacity } from './samplers';
import { validateSpace } from './space';
import type { Config, Job, JobStatus, Observation, RungResult, SchedulerSettings, SearchSettings, SearchState, TrialRecord } from './types';

const fail = (message: string): never => {
	throw new KilnError('SearchError', message);
};

/** Budget (epochs / rounds) each rung trains to; plain search has a single rung. */
export function rungBudgets(scheduler: SchedulerSettings): number[] {
	if (scheduler.kind === 'plain') return [scheduler.budget];
	const { eta, minBudget: r, maxBudget: R } = scheduler;
	const top = Math.floor(Math.log(R / r) / Math.log(eta) + 1e-9);
	const budgets = Array.from({ length: top + 1 }, (_, k) => (k === top ? R : Math.max(1, Math.round(r * eta ** k))));
	for (let k = 1; k < budgets.length; k++) {
		if (budgets[k] <= budgets[k - 1]) fail(`ASHA rungs ${k - 1} and ${k} both train for ${budgets[k]} after rounding to whole epochs; raise the minimum budget or eta.`);
	}
	return budgets;
}

export function validateSettings(settings: SearchSettings): void {
	validateSpace(settings.space);
	const { maxTrials, seed, direction, scheduler, sampler } = settings;
	if (!Number.isInteger(maxTrials) || maxTrials < 1 || maxTrials > 100_000) fail(`The number of trials must be a whole number from 1 to 100000; got ${maxTrials}.`);
	if (!Number.isInteger(seed)) fail(`The seed must be a whole number; got ${seed}.`);
	if (direction !== 'minimize' && direction !== 'maximize') fail(`The direction must be "minimize" or "maximize"; got "${direction}".`);
	if (scheduler.kind === 'plain') {
		if (!Number.isInteger(scheduler.budget) || scheduler.budget < 1) fail(`The training budget must be a whole number of at least 1; got ${scheduler.budget}.`);
	} else {
		const { eta, minBudget, maxBudget } = scheduler;
		if (!(eta >= 2)) fail(`ASHA's reduction factor eta must be at least 2; got ${eta}.`);
		if (!Number.isInteger(minBudget) || !Number.isInteger(maxBudget) || minBudget < 1 || maxBudget < minBudget) {
			fail(`ASHA needs whole-number budgets with 1 ≤ minimum ≤ maximum; got ${minBudget} and ${maxBudget}.`);
		}
		rungBudgets(scheduler);
	}
	if (sampler.kind === 'grid') buildGrid(settings.space, sampler);
	if (sampler.kind === 'tpe') {
		const { startupTrials = 10, candidates = 24, priorWeight = 1 } = sampler;
		if (!Number.isInteger(startupTrials) || startupTrials < 1) fail(`TPE's random start needs at least 1 trial; got ${startupTrials}.`);
		if (!Number.isInteger(candidates) || candidates < 1 || candidates > 10_000) fail(`TPE's candidate count must be a whole number from 1 to 10000; got ${candidates}.`);
		if (!(priorWeight > 0)) fail(`TPE's prior weight must be above 0; got ${priorWeight}.`);
	}
}

export function createSearch(settings: SearchSettings): SearchState {
	validateSettings(settings);
	return { settings: structuredClone(settings), trials: [] };
}

/**
 * Rebuild a search from its stored trial records. Jobs that were running when the page went
 * away are queued to run again; finished ones are kept and never rerun.
 */
export function restoreSearch(settings: SearchSettings, stored: TrialRecord[]): SearchState {
	validateSettings(settings);
	const trials = structuredClone([...stored].sort((a, b) => a.trialId - b.trialId));
	trials.forEach((t, i) => {
		if (t.trialId !== i) fail(`The stored search is missing trial ${i}; it cannot be resumed exactly. Start a new search.`);
		for (const name of Object.keys(settings.space)) {
			if (!(name in t.config)) fail(`Stored trial ${i} has no value for "${name}": it belongs to a search over another space. Start a new search.`);
		}
		for (const r of t.results) if (r.status === 'running') r.status = 'queued';
	});
	return { settings: structuredClone(settings), trials };
}

const lossOf = (state: SearchState, score: number) => (state.settings.direction === 'maximize' ? -score : score);
const scored = (r: RungResult) => (r.status === 'done' || r.status === 'pruned') && r.score !== null;

/** Each trial's result at the highest rung it finished with a score. */
export function observations(state: SearchState): Observation[] {
	const out: Observation[] = [];
	for (const t of state.trials) {
		const best = t.results.filter(scored).at(-1);
		if (best) out.push({ trialId: t.trialId, config: t.config, rung: best.rung, loss: lossOf(state, best.score!) });
	}
	return out;
}

/** ASHA's get_job promotion: from the top rung down, the best not-yet-promoted trial in the top 1/eta. */
function findPromotion(state: SearchState, budgets: number[]): { trial: TrialRecord; rung: number } | null {
	if (state.settings.scheduler.kind !== 'asha') return null;
	const eta = state.settings.scheduler.eta;
	for (let k = budgets.length - 2; k >= 0; k--) {
		const rung = state.trials
			.map((trial) => ({ trial, result: trial.results.find((r) => r.rung === k) }))
			.filter((e): e is { trial: TrialRecord; result: RungResult } => e.result !== undefined && scored(e.result))
			.sort((a, b) => lossOf(state, a.result.score!) - lossOf(state, b.result.score!) || a.trial.trialId - b.trial.trialId);
		const top = rung.slice(0, Math.floor(rung.length / eta));
		const candidate = top.find((e) => e.result.status === 'done' && !e.trial.results.some((r) => r.rung === k + 1));
		if (candidate) return { trial: candidate.trial, rung: k };
	}
	return null;
}

/**
 * The score a job at `rung` must reach for its trial to stay promotable, in the search's direction;
 * null when any score may be (not ASHA, or too few results yet). ASHA promotes from the top
 * ⌊n/η⌋ of a rung's n scored results, n never exceeds the trials the search can hold, and a
 * trial's rank only falls as results arrive: once ⌊capacity/η⌋ results beat a score, its trial
 * is never promoted, so its job need keep no checkpoint. Results arriving during the job only
 * raise the bar, so a bar taken when the job starts is safe. A tie keeps the checkpoint.
 */
export function promotionBar(state: SearchState, rung: number): { score: number; direction: SearchSettings['direction'] } | null {
	const { scheduler, direction } = state.settings;
	if (scheduler.kind !== 'asha') return null;
	const keep = Math.floor(samplerCapacity(state.settings) / scheduler.eta);
	if (keep === 0) return { score: direction === 'maximize' ? Infinity : -Infinity, direction };
	const scores = state.trials
		.map((t) => t.results.find((r) => r.rung === rung))
		.filter((r): r is RungResult => r !== undefined && scored(r))
		.map((r) => r.score!)
		.sort((a, b) => lossOf(state, a) - lossOf(state, b));
	return scores.length >= keep ? { score: scores[keep - 1], direction } : null;
}

function jobFor(trial: TrialRecord, result: RungResult, budgets: number[]): Job {
	return {
		trialId: trial.trialId,
		config: trial.config,
		rung: result.rung,
		budget: result.budget,
		resumeFrom: result.rung > 0 ? { rung: result.rung - 1, budget: budgets[result.rung - 1] } : null
	};
}

export interface NextJobOptions {
	/**
	 * A config's estimated training cost in any unit (only the order matters). Given, a plain
	 * random or grid search starts its costliest config not yet tried first (longest processing
	 * time first, Graham 1969), so the last jobs are the short ones and no worker idles long at the
	 * end while another finishes a big trial. The search tries the same configs as without it, in
	 * another order; TPE (whose proposals need earlier results) and ASHA (whose rungs start cheap
	 * on purpose) keep theirs.
	 */
	cost?: (config: Config) => number;
}

/** Whether `cost` reorders this search's new trials: its proposals depend only on the seed and trial number, and every trial trains to one budget. */
export function ordersByCost(settings: SearchSettings): boolean {
	return settings.scheduler.kind === 'plain' && (settings.sampler.kind === 'random' || settings.sampler.kind === 'grid');
}

const byCost = new WeakMap<SearchSettings, { cost: (config: Config) => number; configs: Config[] }>();

/**
 * The costliest of the search's proposals (trial numbers 0 … capacity − 1) that no trial holds
 * yet. "Holds" counts copies, so two equal proposals (a small categorical space) are both tried,
 * and a search restored from its stored trials continues with exactly the configs it had left.
 */
function costliestLeft(state: SearchState, cost: (config: Config) => number): Config | null {
	let cached = byCost.get(state.settings);
	if (!cached || cached.cost !== cost) {
		const proposals = Array.from({ length: samplerCapacity(state.settings) }, (_, i) => proposeConfig(state.settings, i, [])!);
		const costs = proposals.map((c) => cost(c));
		const order = proposals.map((_, i) => i).sort((a, b) => costs[b] - costs[a] || a - b);
		cached = { cost, configs: order.map((i) => proposals[i]) };
		byCost.set(state.settings, cached);
	}
	const held = new Map<string, number>();
	for (const t of state.trials) held.set(JSON.stringify(t.config), (held.get(JSON.stringify(t.config)) ?? 0) + 1);
	for (const config of cached.configs) {
		const key = JSON.stringify(config);
		const copies = held.get(key) ?? 0;
		if (copies === 0) return structuredClone(config);
		held.set(key, copies - 1);
	}
	return null;
}

/**
 * The next job to start, or null when none can start now (wait for running jobs, then ask
 * again; `isFinished` tells the two apart). Updates `state` in place: store
 * `state.trials[job.trialId]`.
 */
export function nextJob(state: SearchState, options: NextJobOptions = {}): Job | null {
	const budgets = rungBudgets(state.settings.scheduler);
	for (const trial of state.trials) {
		const queued = trial.results.find((r) => r.status === 'queued');
		if (queued) {
			queued.status = 'running';
			return jobFor(trial, queued, budgets);
		}
	}
	const promotion = findPromotion(state, budgets);
	if (promotion) {
		const result: RungResult = { rung: promotion.rung + 1, budget: budgets[promotion.rung + 1], status: 'running', score: null, order: null };
		promotion.trial.results.push(result);
		return jobFor(promotion.trial, result, budgets);
	}
	if (state.trials.length >= samplerCapacity(state.settings)) return null;
	const trialId = state.trials.length;
	const config = options.cost && ordersByCost(state.settings) ? costliestLeft(state, options.cost) : proposeConfig(state.settings, trialId, observations(state));
	if (!config) return null;
	const trial: TrialRecord = { trialId, config, results: [{ rung: 0, budget: budgets[0], status: 'running', score: null, order: null }] };
	state.trials.push(trial);
	return jobFor(trial, trial.results[0], budgets);
}

/**
 * Record how a job ended. A 'done' job without a finite score is recorded as failed; a failed
 * trial stays in the list and the search goes on. Returns the changed trial record to store.
 */
export function report(state: SearchState, trialId: number, rung: number, score: number | null, status: Exclude<JobStatus, 'queued' | 'running'>, message?: string, spread?: RungResult['spread']): TrialRecord {
	const trial = state.trials[trialId];
	const result = trial?.results.find((r) => r.rung === rung);
	if (!trial || !result) fail(`Trial ${trialId} was never sent to rung ${rung}.`);
	if (result!.status !== 'running') fail(`Trial ${trialId} at rung ${rung} is ${result!.status}, not running; a result can be reported once.`);
	const finite = score !== null && Number.isFinite(score);
	let finalStatus = status;
	let note = message;
	if (status === 'done' && !finite) {
		finalStatus = 'failed';
		note = message ?? `The trial returned no usable score (${score}).`;
	}
	result!.status = finalStatus;
	result!.score = finalStatus === 'failed' || !finite ? null : score;
	result!.order = 1 + state.trials.reduce((m, t) => Math.max(m, ...t.results.map((r) => r.order ?? -1)), -1);
	if (note !== undefined) result!.message = note;
	if (spread && result!.score !== null) result!.spread = spread;
	return trial;
}

/** True when nothing runs, nothing is queued, and no job could start. */
export function isFinished(state: SearchState): boolean {
	if (state.trials.some((t) => t.results.some((r) => r.status === 'running' || r.status === 'queued'))) return false;
	if (findPromotion(state, rungBudgets(state.settings.scheduler))) return false;
	return state.trials.length >= samplerCapacity(state.settings);
}
