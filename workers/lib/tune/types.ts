/**
 * Hyperparameter search as plain data. The whole state of a search is its settings plus the
 * list of trial records, so the page can store each record in IndexedDB as it changes and
 * rebuild the search after a reload with `restoreSearch`.
 */

export type ParamValue = number | string | boolean;

export type ParamSpec =
	/** `log` samples uniformly in ln(value) (low must be > 0); `step` quantises the value. */
	| { type: 'float'; low: number; high: number; log?: boolean; step?: number }
	| { type: 'int'; low: number; high: number; log?: boolean; step?: number }
	| { type: 'categorical'; choices: ParamValue[] };

/** Parameter name → its range; the order of the keys is the order parameters are sampled in. */
export type SearchSpace = Record<string, ParamSpec>;
export type Config = Record<string, ParamValue>;

export type SamplerSettings =
	/**
	 * Every combination: choices as given, integers all (or `pointsPerParam` spread), floats
	 * `pointsPerParam` spread (log-spaced for log ranges). Refused above `maxGridSize`.
	 */
	| { kind: 'grid'; pointsPerParam?: number; maxGridSize?: number; shuffle?: boolean }
	| { kind: 'random' }
	/** Tree-structured Parzen estimator with Optuna's defaults unless set. */
	| { kind: 'tpe'; startupTrials?: number; candidates?: number; priorWeight?: number; gamma?: 'optuna' | 'hyperopt' };

export type SchedulerSettings =
	/** Every trial trains to `budget` (epochs or boosting rounds). */
	| { kind: 'plain'; budget: number }
	/**
	 * Asynchronous successive halving (Li et al. 2018): rung k trains to minBudget·eta^k, the top
	 * rung to maxBudget; the best 1/eta of a rung move up, the rest stop.
	 */
	| { kind: 'asha'; eta: number; minBudget: number; maxBudget: number };

export type Direction = 'minimize' | 'maximize';

export interface SearchSettings {
	space: SearchSpace;
	sampler: SamplerSettings;
	scheduler: SchedulerSettings;
	direction: Direction;
	/** Configurations to try (grid search stops earlier when the grid is smaller). */
	maxTrials: number;
	seed: number;
}

/**
 * queued: was running when the search was interrupted; the next `nextJob` starts it again.
 * pruned: the pool stopped the job itself (e.g. the loss diverged); its score, if any, ranks
 * but it is never promoted.
 */
export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'pruned';

/** One job: a trial trained up to one rung's budget. */
export interface RungResult {
	rung: number;
	budget: number;
	status: JobStatus;
	score: number | null;
	/** Position among finished jobs (0, 1, 2, ...), null while unfinished: the time axis of the curves. */
	order: number | null;
	message?: string;
	/** Set when the score is a mean over cross-validation folds: their (sample) std. */
	spread?: { std: number; folds: number };
}

export interface TrialRecord {
	trialId: number;
	config: Config;
	/** One entry per rung the trial was sent to, lowest first. */
	results: RungResult[];
}

export interface SearchState {
	settings: SearchSettings;
	/** trials[i].trialId === i. */
	trials: TrialRecord[];
}

export interface Job {
	trialId: number;
	config: Config;
	rung: number;
	/** Total epochs / rounds the trial must have trained when this job ends. */
	budget: number;
	/** Promotion: continue from the checkpoint this trial saved at the end of that rung. */
	resumeFrom: { rung: number; budget: number } | null;
}

/** A trial's best-known result, for samplers and analysis: higher rung beats lower, then lower loss. */
export interface Observation {
	trialId: number;
	config: Config;
	rung: number;
	/** Score turned so that lower is better (negated when maximising). */
	loss: number;
}
