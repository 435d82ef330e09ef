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
