import type { AttackNorm, DpEpochRecord, FairnessAudit, FairnessObjective, LabelSuspect, ThresholdResult } from '../lib/trust/types';
import type { JobEvent, MetricName, RunResult, TrainConfig } from './training';

/** The Trust section's contract: private, reweighed and adversarial runs, audits, locking. */

// ---- runs trained by the Trust section ----------------------------------------------------

/** The settings of DP-SGD a person picks (epochs, batch, learning rate come from the TrainConfig). */
export interface PrivacySettings {
	clipNorm: number;
	noiseMultiplier: number;
	delta: number;
	/** Stop before the step that would spend more than this ε. */
	budgetEpsilon?: number;
	/** crypto.getRandomValues for sampling and noise (default); seeded only for reproducible demos. */
	secureNoise: boolean;
}

export type PrivacyEpoch = DpEpochRecord & { valMetric: number };

/** What a private run stores about its guarantee (the model card's privacy section comes from it). */
export interface PrivacyRecord {
	epsilon: number;
	delta: number;
	noiseMultiplier: number;
	clipNorm: number;
	sampleRate: number;
	steps: number;
	/** The RDP order that gave ε. */
	order: number;
	stoppedByBudget: boolean;
	secureNoise: boolean;
	budgetEpsilon?: number;
	curve: PrivacyEpoch[];
}

/** How a run of the Trust section differs from a plain one. */
export type RunVariant =
	| { kind: 'private' }
	| { kind: 'reweighed'; sensitive: string[]; positiveClass: string }
	| { kind: 'adversarial'; norm: AttackNorm; epsilon: number; ratio: number; steps: number; /** The run whose config it retrained. */ baseRunId?: string }
	| { kind: 'without-sensitive'; sensitive: string[] };

export interface PrivateTrainRequest {
	runId: string;
	datasetId: string;
	config: TrainConfig;
	privacy: PrivacySettings;
	/** The Prepare pipeline version to fit (absent: the built-in encoding). */
	pipelineId?: string;
}

export type PrivateTrainResult = RunResult & { privacy: PrivacyRecord };

/** Reweighed (Kamiran–Calders sample weights) or adversarially trained run. */
export interface VariantTrainRequest {
	runId: string;
	datasetId: string;
	config: TrainConfig;
	variant: Extract<RunVariant, { kind: 'reweighed' | 'adversarial' }>;
	/** The pipeline version of the run it retrains (absent: the built-in encoding). */
	pipelineId?: string;
}

// ---- audits of a finished run --------------------------------------------------------------

export interface TrustProgress {
	fraction: number;
	label: string;
}

/** A finished run to audit: its split is replayed from its config on the dataset it trained on. */
export interface RunRef {
	runId: string;
	datasetId: string;
	modelId: string;
	config: TrainConfig;
}

export interface FairnessRequest extends RunRef {
	sensitive: string[];
	/** The favourable outcome; the audit is "this class or not". */
	positiveClass: string;
	objective: FairnessObjective;
	/** Groups with fewer holdout rows are listed, not compared (default 20). */
	minGroupSize?: number;
}

export interface FairnessOutcome {
	accuracy: number;
	/** The disparity the thresholds aim at (EO or DP difference), on the holdout. */
	disparity: number;
	demographicParityDifference: number;
	equalizedOddsDifference: number;
}

export interface FairnessResult {
	sensitive: string[];
	positiveClass: string;
	objective: FairnessObjective;
	holdoutRows: number;
	audit: FairnessAudit;
	/** The model as it is (argmax), on the holdout. */
	baseline: FairnessOutcome;
	/** Per-group thresholds fitted on validation-row scores; null when the run has no validation rows. */
	thresholds: {
		fit: ThresholdResult;
		validationRows: number;
		/** The fitted thresholds applied to the holdout. */
		holdout: FairnessOutcome;
		/** Audit of the holdout with the thresholds applied. */
		audit: FairnessAudit;
	} | null;
	thresholdsNote?: string;
	durationMs: number;
}

export type AttackKind = 'fgsm' | 'pgd';

export interface RobustnessRequest extends RunRef {
	norm: AttackNorm;
	attack: AttackKind;
	epsilons: number[];
	/** PGD iterations (default 10). */
	steps?: number;
	seed?: number;
	/** How many perturbed rows to show beside their originals (default 5). */
	examples?: number;
}

/** One feature of an example, in the units of the person's own data. */
export interface ExampleFeature {
	name: string;
	before: string;
	after: string;
	changed: boolean;
}

export interface RobustnessExample {
	/** Row number in the dataset (1 = first data row). */
	row: number;
	label: string;
	predictedBefore: string;
	predictedAfter: string;
	features: ExampleFeature[];
}

/** An image run's attacked examples: originals and their perturbed versions as uint8 pixels (NHWC), in the same order. */
export interface ImageAttackExamples {
	height: number;
	width: number;
	channels: number;
	examples: { row: number; label: string; predictedBefore: string; predictedAfter: string; /** Measured perturbation on the [0, 1] pixel scale. */ linf: number; l2: number }[];
	before: Uint8Array;
	after: Uint8Array;
}

export interface RobustnessResult {
	norm: AttackNorm;
	attack: AttackKind;
	steps: number;
	clean: number;
	/** maxLinf / maxL2: the largest perturbation measured over the attacked rows at that ε (image runs). */
	points: { epsilon: number; accuracy: number; maxLinf?: number; maxL2?: number }[];
	/** Image runs: ε is in pixels on the [0, 1] scale and the examples are images. */
	images?: ImageAttackExamples;
	/** Image runs: the holdout had more images than were attacked (the first ones of the seeded holdout were). */
	sampledFrom?: number;
	/** The ε the examples were made at (the smallest that changed a prediction, else the largest). */
	exampleEpsilon: number;
	examples: RobustnessExample[];
	holdoutRows: number;
	durationMs: number;
}

export interface LabelCheckRequest {
	datasetId: string;
	config: TrainConfig;
	/** Encode the rows with this Prepare pipeline version (absent: the built-in encoding). */
	pipelineId?: string;
	folds?: number;
	seed?: number;
}

export interface LabelSuspectRow extends Omit<LabelSuspect, 'label' | 'predicted'> {
	/** Row number in the dataset (1 = first data row). */
	rowNumber: number;
	label: string;
	predicted: string;
}

export interface LabelCheckResult {
	trainRows: number;
	folds: number;
	suspects: LabelSuspectRow[];
	/** Out-of-fold accuracy of the check's own logistic model. */
	outOfFoldAccuracy: number;
	durationMs: number;
}

/** The latest audits of a run, kept with it so its report and model card can show them. */
export interface TrustSummary {
	fairness?: FairnessResult & { at: number };
	robustness?: RobustnessResult & { at: number };
	/** Adversarially trained runs: the same attack on the run it retrained and on itself. */
	adversarial?: AdversarialComparison;
}

/** Accuracy against ε before (the base run) and after adversarial training, same attack and holdout. */
export interface AdversarialComparison {
	baseRunId: string;
	attack: AttackKind;
	norm: AttackNorm;
	steps: number;
	holdoutRows: number;
	before: RobustnessResult['points'];
	after: RobustnessResult['points'];
	at: number;
}

// ---- privacy/accuracy trade-off -------------------------------------------------------------

export interface PrivacySweepRequest {
	datasetId: string;
	config: TrainConfig;
	clipNorm: number;
	delta: number;
	/** One seeded DP-SGD run per σ. */
	noiseMultipliers?: number[];
	/** Instead of σ: one run per target ε, its σ solved with the RDP accountant for this δ, epochs, batch and sampling rate. */
	targetEpsilons?: number[];
	/** The Prepare pipeline version every run of the sweep fits and reads through (absent: the built-in encoding). */
	pipelineId?: string;
}

export interface PrivacySweepPoint {
	noiseMultiplier: number;
	/** The ε this point's σ was solved for (a sweep by target ε). */
	targetEpsilon?: number;
	/** Spent at the request's δ. */
	epsilon: number;
	/** Holdout accuracy (classification) or RMSE (regression). */
	metric: number;
	samplesPerSecond: number;
}

export interface PrivacySweepResult {
	metricName: MetricName;
	clipNorm: number;
	delta: number;
	epochs: number;
	batchSize: number;
	model: TrainConfig['model'];
	seed: number;
	trainRows: number;
	holdoutRows: number;
	/** 'epsilon' when the points were asked for by target ε (absent on older sweeps: by σ). */
	by?: 'sigma' | 'epsilon';
	/** Poisson sampling rate q and DP-SGD steps of every point (absent on older sweeps). */
	sampleRate?: number;
	steps?: number;
	/** The same config trained without privacy. */
	baseline: { metric: number; samplesPerSecond: number };
	points: PrivacySweepPoint[];
	durationMs: number;
}

export interface TrustApi {
	trainPrivate(request: PrivateTrainRequest, onEvent: (event: JobEvent) => void, onPrivacy: (record: PrivacyEpoch) => void): Promise<PrivateTrainResult>;
	trainVariant(request: VariantTrainRequest, onEvent: (event: JobEvent) => void): Promise<RunResult>;
	auditRunFairness(request: FairnessRequest, onProgress: (p: TrustProgress) => void): Promise<FairnessResult>;
	robustnessOfRun(request: RobustnessRequest, onProgress: (p: TrustProgress) => void): Promise<RobustnessResult>;
	checkLabels(request: LabelCheckRequest, onProgress: (p: TrustProgress) => void): Promise<LabelCheckResult>;
	privacySweep(request: PrivacySweepRequest, onProgress: (p: TrustProgress) => void): Promise<PrivacySweepResult>;
}

// ---- encryption at rest ---------------------------------------------------------------------

export interface LockProgress {
	done: number;
	total: number;
	label: string;
}

export interface LockApi {
	/** Encrypt every record of a project in place (or finish an interrupted lock). */
	lockProject(projectId: string, passphrase: string, onProgress: (p: LockProgress) => void): Promise<{ records: number }>;
	/** Decrypt it back (also undoes an interrupted lock). A wrong passphrase changes nothing. */
	unlockProject(projectId: string, passphrase: string, onProgress: (p: LockProgress) => void): Promise<{ records: number }>;
}
