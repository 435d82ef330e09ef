import type { GemmThreadsRequest, GemmThreadsResult } from './gemm-threads.worker';
import type { ProfileRequest } from './profile.worker';
import type { BenchRequest, BenchResult } from './types';

/** One fresh worker per backend, so one backend's state (GL context, wasm pthreads) cannot slow the next. */
function runBench(request: BenchRequest): Promise<BenchResult> {
	return runWorker(new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' }), request);
}

/** bench/profile.mjs: the step's kernel list and time breakdown, and an A/B against the original step. */
function runProfile(request: ProfileRequest): Promise<unknown> {
	return runWorker(new Worker(new URL('./profile.worker.ts', import.meta.url), { type: 'module' }), request);
}

/** bench/gemm-threads.mjs: the step's two big products on one GEMM thread and on two. */
function runGemmThreads(request: GemmThreadsRequest): Promise<GemmThreadsResult> {
	return runWorker(new Worker(new URL('./gemm-threads.worker.ts', import.meta.url), { type: 'module' }), request);
}

function runWorker<T>(worker: Worker, request: unknown): Promise<T> {
	return new Promise((resolve, reject) => {
		worker.onmessage = (event: MessageEvent<T>) => {
			worker.terminate();
			resolve(event.data);
		};
		worker.onerror = (event) => {
			worker.terminate();
			reject(new Error(`worker error: ${event.message || 'unknown'}`));
		};
		worker.postMessage(request);
	});
}

declare global {
	interface Window {
		runBench: typeof runBench;
		runProfile: typeof runProfile;
		runGemmThreads: typeof runGemmThreads;
	}
}

window.runBench = runBench;
window.runProfile = runProfile;
window.runGemmThreads = runGemmThreads;
document.getElementById('status')!.textContent = 'ready';
