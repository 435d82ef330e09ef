import type { SearchSettings } from '../lib/tune/types';
import type { BackendName } from './backends';
import type { EpochRecord, ModelKind, TrainCheckpoint, TrainConfig } from './training';

/** A hyperparameter search over Kiln's training configs, and one trial job of it. */

export type { SearchSettings, SearchSpace, ParamSpec, ParamValue, Config as TrialParams, TrialRecord, RungResult, Job as TrialJob } from '../lib/tune/types';

/** What a trial is scored by: the validation loss, or the validation accuracy / RMSE, at its last epoch. */
export type TrialMetric = 'valLoss' | 'valMetric';

/** What a search tunes: a network (linear layer, MLP) or a classic family, named as the Train form names them. */
export type TuneFamily = ModelKind | 'classic-linear' | 'tree' | 'forest' | 'boosting' | 'knn' | 'naive-bayes' | 'image' | 'text';

/** Everything a search needs besides the base training config; stored with the search. */
export interface SearchPlan {
	search: SearchSettings;
	family: TuneFamily;
	metric: TrialMetric;
	/** Trials that train at once (each in its own worker). */
	parallel: number;
}

/** Train one trial to one rung's budget; the worker reads the dataset and the trial's checkpoint itself. */
export interface TrialRequest {
	searchId: string;
	trialId: number;
	rung: number;
	/** Epochs the trial has trained when the job ends. */
	budget: number;
	/** ASHA promotion: continue from the checkpoint stored at the end of this budget. */
	resumeFrom: { rung: number; budget: number } | null;
	datasetId: string;
	/** The base config with the trial's parameters, epochs = budget. */
	config: TrainConfig;
	metric: TrialMetric;
	/** Image trials in transfer mode: where the worker fetches the shipped backbone (as VisionTrainRequest). */
	backboneUrl?: string;
	/** The search's last rung: nothing continues from this job, so it stores no checkpoint at its end. */
	lastRung?: boolean;
	/**
	 * A promotion's checkpoint as the page kept it from the job that made it (any worker of the
	 * pool can continue it); absent, the worker reads the stored one from IndexedDB.
	 */
	checkpoint?: TrainCheckpoint;
	/** No job of this trial at this rung ran before (not a rerun after a reload): nothing stored can hold its result. */
	fresh?: boolean;
	/**
	 * ASHA: a score worse than this (in the search's direction) can never be promoted, so the job
	 * keeps no checkpoint for it (tune library's promotionBar); absent, it keeps one.
	 */
	promotionBar?: { score: number; direction: 'minimize' | 'maximize' };
}

export interface TrialOutcome {
	/** The metric at the last epoch (k-fold: its mean over the folds), or null when it is not a finite number. */
	score: number | null;
	/** k-fold trials: the sample std of the figure over the folds. */
	spread?: { std: number; folds: number };
	history: EpochRecord[];
	/**
	 * scratch: trained from epoch 1; checkpoint: continued from the stored rung checkpoint;
	 * stored: the job had already finished before the page went away, its checkpoint holds the result.
	 */
	started: 'scratch' | 'checkpoint' | 'stored';
	backend: BackendName | null;
	durationMs: number;
	/** Where the job's time went in the worker (epoch milliseconds), for the page's performance timeline. */
	phases?: TrialPhase[];
	/** The state at the job's end, for a promotion to continue from (its IndexedDB copy may still be on its way). */
	checkpoint?: TrainCheckpoint;
}

/** One timed stretch of a trial job in its worker: backend, dataset, checkpoint read, setup, epochs, checkpoint write, finish. */
export interface TrialPhase {
	name: string;
	start: number;
	end: number;
}
