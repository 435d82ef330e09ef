/** Types of the trust area (privacy, fairness, robustness, poisoning, encryption); the lead wires them into the protocol. */

// ---- differential privacy ---------------------------------------------------------------

/** How RDP turns into (ε, δ): Balle et al. 2020 (Opacus, dp_accounting) or Mironov 2017 Prop. 3 (older TF-Privacy tables). */
export type PrivacyConversion = 'balle' | 'classic';

export interface PrivacySpent {
	epsilon: number;
	/** The RDP order α that gave the smallest ε. */
	order: number;
}

export interface DpSgdOptions {
	/** Per-example gradient norm bound C. */
	clipNorm: number;
	/** σ: the noise standard deviation is σ·C. */
	noiseMultiplier: number;
	/** Poisson sampling probability q; give this or batchSize (then q = batchSize / rows). */
	sampleRate?: number;
	/** Expected batch size. */
	batchSize?: number;
	epochs: number;
	delta: number;
	/** Stop before the step that would take ε above this. */
	budgetEpsilon?: number;
	/** Learning rate (default 0.001 for Adam, 0.1 for SGD). */
	lr?: number;
	optimizer?: 'adam' | 'sgd';
	/** L2 penalty on kernels, as Kiln's non-private training applies it (data-independent, so free of privacy cost). */
	l2?: number;
	/** Seeds sampling and noise when secureNoise is false; ignored otherwise. */
	seed?: number;
	/** Draw sampling and noise from crypto.getRandomValues (default true). false only for tests and demos. */
	secureNoise?: boolean;
	conversion?: PrivacyConversion;
	onEpoch?: (record: DpEpochRecord) => void | Promise<void>;
	/** After every step: share done of the steps the run will take (fewer than planned under a budget). */
	onProgress?: (fraction: number, step: number, steps: number) => void;
	signal?: AbortSignal;
}

export interface DpEpochRecord {
	epoch: number;
	steps: number;
	/** ε spent so far at the run's δ. */
	epsilon: number;
	/** Mean unclipped per-example loss over the examples sampled this epoch (seen only by the data owner). */
	trainLoss: number;
	/** Share of sampled examples whose gradient was clipped this epoch. */
	clippedFraction: number;
}

export interface WeightValues {
	name: string;
	shape: number[];
	values: Float32Array;
}

export interface DpSgdResult {
	weights: WeightValues[];
	curve: DpEpochRecord[];
	epsilon: number;
	delta: number;
	/** RDP order that gave ε. */
	order: number;
	steps: number;
	stoppedByBudget: boolean;
	sampleRate: number;
	noiseMultiplier: number;
	clipNorm: number;
	secureNoise: boolean;
	samplesPerSecond: number;
}

// ---- fairness ---------------------------------------------------------------------------

/** A sensitive attribute: one group label per row (null or '' for missing, reported as "(missing)"). */
export interface SensitiveColumn {
	name: string;
	values: ArrayLike<string | null>;
}

/** A proportion with its Wilson 95 % interval; NaN when its denominator is 0. */
export interface Rate {
	value: number;
	low: number;
	high: number;
	/** Denominator. */
	n: number;
}

export interface GroupMetrics {
	/** "female" or, for an intersection, "female · hispanic". */
	group: string;
	/** Column → value for this group. */
	values: Record<string, string>;
	count: number;
	/** Below the minimum group size: listed, but left out of the disparities. */
	small: boolean;
	selectionRate: Rate;
	truePositiveRate: Rate;
	falsePositiveRate: Rate;
	precision: Rate;
	errorRate: Rate;
}

/** Fairlearn's between-groups disparities over the groups that are not small. */
export interface Disparities {
	demographicParityDifference: number;
	demographicParityRatio: number;
	/** max(TPR gap, FPR gap). */
	equalizedOddsDifference: number;
	/** min(TPR ratio, FPR ratio). */
	equalizedOddsRatio: number;
	truePositiveRateDifference: number;
	falsePositiveRateDifference: number;
	/** Groups that entered the comparison. */
	compared: string[];
}

export interface FairnessReport {
	/** The sensitive columns this report groups by (several for an intersection). */
	columns: string[];
	groups: GroupMetrics[];
	overall: GroupMetrics;
	disparities: Disparities;
}

export interface FairnessAudit {
	perColumn: FairnessReport[];
	/** Groups by every combination of the sensitive columns (only with two or more columns). */
	intersectional: FairnessReport | null;
	minGroupSize: number;
}

export type FairnessObjective = 'equalized_odds' | 'demographic_parity';

export interface TradeoffPoint {
	accuracy: number;
	disparity: number;
	thresholds: Record<string, number>;
}

export interface ThresholdResult {
	objective: FairnessObjective;
	thresholds: Record<string, number>;
	before: { accuracy: number; disparity: number; threshold: number };
	after: { accuracy: number; disparity: number };
	/** Pareto front of accuracy against disparity, best accuracy first. */
	curve: TradeoffPoint[];
}

// ---- encryption at rest -----------------------------------------------------------------

/** An AES-GCM ciphertext with its IV; structured-cloneable, so IndexedDB stores it as is. */
export interface EncryptedRecord {
	v: 1;
	iv: Uint8Array;
	/** Ciphertext followed by the 16-byte GCM tag. */
	data: ArrayBuffer;
}

/** Stored in the clear beside a locked project: enough to re-derive and check the key. */
export interface ProjectLock {
	version: 1;
	kdf: 'PBKDF2-SHA-256';
	cipher: 'AES-GCM-256';
	salt: Uint8Array;
	iterations: number;
	/** A known constant encrypted under the key. */
	check: EncryptedRecord;
}

// ---- adversarial robustness -------------------------------------------------------------

export type AttackNorm = 'linf' | 'l2';

export interface AttackOptions {
	/** Radius of the perturbation ball, in model space (standardised units for Kiln's tabular models). */
	epsilon: number;
	norm: AttackNorm;
	/** PGD iterations (default 10); 0 means FGSM/FGM, one step of size ε with no random start. */
	steps?: number;
	/** PGD step size (default 2.5·ε/steps, Madry et al.). */
	stepSize?: number;
	/** Start PGD at a random point of the ball (default true). */
	randomStart?: boolean;
	seed?: number;
	/** Valid inputs, per feature (flattened input shape) or one number for all; attacks are clipped to it. */
	box?: { min?: Float32Array | number; max?: Float32Array | number };
	/** What the model outputs (Kiln's dense models: logits). */
	outputs?: 'logits' | 'probabilities';
	batchSize?: number;
	signal?: AbortSignal;
}

export interface RobustnessCurve {
	norm: AttackNorm;
	attack: 'fgsm' | 'pgd';
	clean: number;
	points: { epsilon: number; accuracy: number }[];
}

export interface AdversarialTrainingOptions {
	epochs: number;
	batchSize: number;
	lr: number;
	/** Share of each batch replaced by its PGD examples (0–1; Goodfellow et al. mix half). */
	ratio: number;
	attack: Omit<AttackOptions, 'batchSize' | 'signal'>;
	/** L2 penalty on kernels, as Kiln's training applies it. */
	l2?: number;
	seed: number;
	onEpoch?: (record: { epoch: number; trainLoss: number }) => void | Promise<void>;
	signal?: AbortSignal;
}

// ---- poisoning check --------------------------------------------------------------------

/** Fit on (xTrain, yTrain), return class probabilities for xTest, row-major [rows × classes]. */
export type FitPredict = (xTrain: Float32Array, yTrain: Int32Array, xTest: Float32Array, width: number, classes: number) => Float32Array | Promise<Float32Array>;

export interface LabelSuspect {
	/** Index into the rows given to the check. */
	row: number;
	label: number;
	/** The out-of-fold model's most likely class. */
	predicted: number;
	probabilityOfLabel: number;
	/** −log of probabilityOfLabel. */
	loss: number;
	/** Robust z-score of log(loss) among all rows. */
	robustZ: number;
	/** Why the row was flagged, in words. */
	reasons: string[];
}

export interface SuspectReport {
	/** Flagged rows, highest loss first. */
	suspects: LabelSuspect[];
	/** Out-of-fold class probabilities for every row [rows × classes]. */
	outOfFold: Float32Array;
	folds: number;
}
