import type { BackendName } from '$workers/protocol';

/** What the page asks one fresh worker to measure. */
export interface BenchRequest {
	backend: BackendName;
	/** 'mlp' (784-128-10, the default) or 'cnn' (issue 10's small CNN, BENCH_CNN). */
	model?: 'mlp' | 'cnn';
	/**
	 * wasm CNN only: 'kiln' registers Kiln's kernels as the studio's workers do; 'recipe' only the
	 * RECIPES.md §3 filter gradient (plain tfjs-wasm, the issue's ~0.05× starting point).
	 */
	kernels?: 'kiln' | 'recipe';
	/** wasm MLP only: 'off' keeps the step's products on tfjs's matMul (XNNPACK) instead of Kiln's GEMM, for the A/B row. */
	gemm?: 'off';
	/** wasm MLP only: 2 lets Kiln's GEMM split its big products with a second thread (startGemmThread; cross-origin isolated pages). */
	gemmThreads?: 2;
	epochs: number;
	/** Batches trained before the timed epochs (1 unless BENCH_WARMUP_BATCHES says more). */
	warmupBatches?: number;
	/** MLP only: first run the warm-up the studio's training workers run (workers/lib/trial-warmup.ts, synthetic networks). */
	studioWarmUp?: boolean;
	/** console.info a line at each epoch's start, so V8's --trace-opt output on stderr can be split by epoch (bench/epoch-profile.mjs). */
	logEpochs?: boolean;
	/** Training rows used (a prefix of data.bin), so the slow cpu backend can do less. */
	samples: number;
	batchSize: number;
	learningRate: number;
	latencyRuns: number;
	/** wasm only: XNNPACK threads (setThreadsCount before the backend starts); absent: tfjs's default, hardwareConcurrency / 2. */
	threads?: number;
}

export interface LatencyStats {
	runs: number;
	medianMs: number;
	p10Ms: number;
	p90Ms: number;
	meanMs: number;
}

export interface BenchResult {
	backend: BackendName;
	model?: 'mlp' | 'cnn';
	/** wasm: the kernels registered before training (Kiln's, or the recipe's one). */
	kernels?: string[];
	ok: boolean;
	/** Why the backend was skipped or failed. */
	reason?: string;
	crossOriginIsolated: boolean;
	hardwareConcurrency: number;
	/** Load + setBackend + the correctness check in activateBackend. */
	initMs?: number;
	epochs?: number;
	samples?: number;
	batches?: number;
	trainMs?: number;
	/** Each timed epoch's milliseconds: a fresh worker's warm-up shows as falling times. */
	epochMs?: number[];
	/** Wall-clock start of each timed epoch and the end of the last (ms since the Unix epoch), to line up with per-thread CPU read from /proc. */
	epochAt?: number[];
	/** The studio's warm-up, when asked for (studioWarmUp). */
	warmUpMs?: number;
	samplesPerSecond?: number;
	/** Mean batch loss of the last timed epoch: a sanity check that both sides learn alike. */
	lastEpochLoss?: number;
	latency?: LatencyStats;
	/** adamSimd: the fused MLP step's Adam runs as Kiln's WebAssembly SIMD pass (false: its JS loop). */
	/** gemm: the MLP step's big products on Kiln's GEMM with relaxed-SIMD FMA, plain SIMD, or not at all (XNNPACK). */
	wasm?: { simd: boolean; threads: boolean; threadsCount: number; adamSimd: boolean; gemm?: string };
}
