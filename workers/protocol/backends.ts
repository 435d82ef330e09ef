/** Backend names and what the settings probe reports. */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
/** Every backend, in the order settings lists them. */
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
/**
 * The order 'auto' tries. Kiln's models are small dense nets on tabular data, where per-op
 * dispatch dominates: measured here, WASM trained ~5× faster than WebGL and ~12× faster than
 * WebGPU (docs/decisions.md). GPU backends come first once models are large enough to gain.
 */
export const AUTO_ORDER: readonly BackendName[] = ['wasm', 'webgl', 'webgpu', 'cpu'];
export type BackendChoice = BackendName | 'auto';


export interface BackendReport {
	name: BackendName;
	available: boolean;
	/** Why it is unavailable, or what tfjs fell back to. */
	detail: string;
	/** Measured 256×256 float32 matmul throughput. */
	gflops?: number;
}

export interface ActiveBackend {
	backend: BackendName;
	/** Set when the chosen backend did not work and another was used. */
	note: string;
}

export interface EnvironmentReport {
	backends: BackendReport[];
	wasmSimd: boolean;
	wasmThreads: boolean;
	crossOriginIsolated: boolean;
	hardwareConcurrency: number;
}


/** One backend's share of the `auto` probe: real training steps of the model, timed. */
export interface BackendTiming {
	backend: BackendName;
	/** Timed steps per second (after one untimed warm-up step); null when it could not run. */
	stepsPerSecond: number | null;
	steps: number;
	ms: number;
	/** Why it could not run (failed to start, threw in a step). */
	problem?: string;
}

/** What `auto` measured for one model shape on this device, cached in settings storage. */
export interface BackendProbe {
	/** Model shape + batch size, hashed (workers/lib/backend-probe.ts). */
	signature: string;
	/** The shape in words, e.g. "CNN tiny 28×28×1 → 10, batch 32". */
	model: string;
	/** Backends this browser offered when measured; a change of offer means a fresh probe. */
	available: BackendName[];
	timings: BackendTiming[];
	picked: BackendName;
	measuredAt: number;
}
