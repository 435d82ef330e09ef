import { observations, rungBudgets } from './scheduler';
import { toInternal } from './space';
import { rankObservations } from './tpe';
import type { Config, SearchState } from './types';

export interface TrialSummary {
	trialId: number;
	config: Config;
	/** stopped: ASHA did not promote it (yet; it can still be promoted while the search runs). */
	status: 'queued' | 'running' | 'done' | 'failed' | 'pruned' | 'stopped';
	/** Highest rung the trial was sent to, and its budget. */
	rung: number;
	budget: number;
	/** Score at the highest rung that produced one. */
	score: number | null;
	scoreRung: number | null;
	/** k-fold trials: the score's std over the folds. */
	spread?: { std: number; folds: number };
	message?: string;
}

/** One row per trial for the sortable table. */
export function trialSummaries(state: SearchState): TrialSummary[] {
	const top = rungBudgets(state.settings.scheduler).length - 1;
	return state.trials.map((t) => {
		const last = t.results[t.results.length - 1];
		const withScore = t.results.filter((r) => r.score !== null).at(-1);
		let status: TrialSummary['status'];
		if (t.results.some((r) => r.status === 'running')) status = 'running';
		else if (t.results.some((r) => r.status === 'queued')) status = 'queued';
		else if (last.status === 'done') status = last.rung === top ? 'done' : 'stopped';
		else status = last.status as 'failed' | 'pruned';
		const summary: TrialSummary = { trialId: t.trialId, config: t.config, status, rung: last.rung, budget: last.budget, score: withScore?.score ?? null, scoreRung: withScore?.rung ?? null };
		if (last.message !== undefined) summary.message = last.message;
		if (withScore?.spread) summary.spread = withScore.spread;
		return summary;
	});
}

/** The trial to retrain as the final model: highest rung reached first, then best score. */
export function bestTrial(state: SearchState): { trialId: number; config: Config; rung: number; score: number } | null {
	const best = rankObservations(observations(state))[0];
	if (!best) return null;
	return { trialId: best.trialId, config: best.config, rung: best.rung, score: state.settings.direction === 'maximize' ? -best.loss : best.loss };
}

export interface BestSoFarPoint {
	/** Finished jobs so far (the x axis in jobs). */
	jobs: number;
	/** Epochs / rounds spent so far over all finished jobs; a promotion costs only its extra budget. */
	budgetSpent: number;
	trialId: number;
	score: number;
	best: number;
}

/**
 * Best score over time, counting only results at `rung` or above (default: the top rung, whose
 * scores are comparable; lower rungs trained for less).
 */
export function bestSoFar(state: SearchState, options: { rung?: number } = {}): BestSoFarPoint[] {
	const budgets = rungBudgets(state.settings.scheduler);
	const minRung = options.rung ?? budgets.length - 1;
	const sign = state.settings.direction === 'maximize' ? -1 : 1;
	const finished = state.trials
		.flatMap((t) => t.results.filter((r) => r.order !== null).map((r) => ({ trialId: t.trialId, ...r })))
		.sort((a, b) => a.order! - b.order!);
	const points: BestSoFarPoint[] = [];
	let spent = 0;
	let best: number | null = null;
	finished.forEach((r, i) => {
		spent += r.budget - (r.rung > 0 ? budgets[r.rung - 1] : 0);
		if (r.rung < minRung || r.score === null || r.status === 'failed') return;
		if (best === null || sign * r.score < sign * best) best = r.score;
		points.push({ jobs: i + 1, budgetSpent: spent, trialId: r.trialId, score: r.score, best });
	});
	return points;
}

export interface ParameterImportance {
	name: string;
	/** Share of the explained variation (importances sum to 1), null with too few trials. */
	importance: number | null;
	/** Correlation ratio η² of the trials' quality rank on the parameter (binned), in [0, 1]. */
	etaSquared: number | null;
	/** Numeric: Spearman correlation with quality (> 0: larger values did better). */
	spearman: number | null;
}

/**
 * A light fANOVA: how much of the variation in the trials' quality rank each parameter's
 * (binned) value explains on its own. Rank, not raw score, so one diverged trial cannot dominate.
 * With few trials η² is biased upward; compare parameters with each other, not with 0.
 */
export function parameterImportance(state: SearchState, bins = 5): ParameterImportance[] {
	const ranked = rankObservations(observations(state));
	const n = ranked.length;
	// quality: best trial = n − 1, worst = 0
	const quality = ranked.map((_, i) => n - 1 - i);
	const names = Object.keys(state.settings.space);
	const raw = names.map((name) => {
		const spec = state.settings.space[name];
		if (n < 4) return { name, etaSquared: null, spearman: null };
		const x = ranked.map((o) => (spec.type === 'categorical' ? spec.choices.indexOf(o.config[name]) : toInternal(spec, o.config[name] as number)));
		const group = spec.type === 'categorical' ? x : quantileBins(x, bins);
		return { name, etaSquared: etaSquared(group, quality), spearman: spec.type === 'categorical' ? null : pearson(ranks(x), quality) };
	});
	const total = raw.reduce((s, r) => s + (r.etaSquared ?? 0), 0);
	return raw.map((r) => ({ ...r, importance: r.etaSquared === null ? null : total > 0 ? r.etaSquared / total : 1 / names.length }));
}

function etaSquared(group: number[], y: number[]): number {
	const mean = y.reduce((a, b) => a + b, 0) / y.length;
	const total = y.reduce((s, v) => s + (v - mean) ** 2, 0);
	if (total === 0) return 0;
	const sums = new Map<number, { sum: number; count: number }>();
	group.forEach((g, i) => {
		const e = sums.get(g) ?? { sum: 0, count: 0 };
		e.sum += y[i];
		e.count++;
		sums.set(g, e);
	});
	let between = 0;
	for (const { sum, count } of sums.values()) between += count * (sum / count - mean) ** 2;
	return between / total;
}

/** Bin index by rank, so bins hold equal counts; tied values share a bin. */
function quantileBins(x: number[], bins: number): number[] {
	const r = ranks(x);
	return r.map((v) => Math.min(bins - 1, Math.floor((v * bins) / x.length)));
}

/** Average ranks (ties share the mean rank), 0-based. */
function ranks(x: number[]): number[] {
	const order = x.map((_, i) => i).sort((a, b) => x[a] - x[b]);
	const out = new Array<number>(x.length);
	for (let i = 0; i < order.length; ) {
		let j = i;
		while (j + 1 < order.length && x[order[j + 1]] === x[order[i]]) j++;
		for (let k = i; k <= j; k++) out[order[k]] = (i + j) / 2;
		i = j + 1;
	}
	return out;
}

function pearson(a: number[], b: number[]): number | null {
	const n = a.length;
	const ma = a.reduce((s, v) => s + v, 0) / n;
	const mb = b.reduce((s, v) => s + v, 0) / n;
	let sab = 0;
	let saa = 0;
	let sbb = 0;
	for (let i = 0; i < n; i++) {
		sab += (a[i] - ma) * (b[i] - mb);
		saa += (a[i] - ma) ** 2;
		sbb += (b[i] - mb) ** 2;
	}
	return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : null;
}
