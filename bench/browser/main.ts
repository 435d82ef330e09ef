import type { BenchRequest, BenchResult } from './types';

/** One fresh worker per backend, so one backend's state (GL context, wasm pthreads) cannot slow the next. */
function runBench(request: BenchRequest): Promise<BenchResult> {
	return new Promise((resolve, reject) => {
		const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' });
		worker.onmessage = (event: MessageEvent<BenchResult>) => {
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
	}
}

window.runBench = runBench;
document.getElementById('status')!.textContent = 'ready';
