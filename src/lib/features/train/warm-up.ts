import * as bridge from '$lib/bridge';
import { getSetting } from '$lib/db';

/**
 * The tune bench's cold runs set `kiln-bench-cold-workers` = '1' in the tab's sessionStorage:
 * no page then starts pool workers ahead of jobs, so its first trials start their workers.
 */
export function coldWorkersForBench(): boolean {
	try {
		return sessionStorage.getItem('kiln-bench-cold-workers') === '1';
	} catch {
		// Storage blocked: warm as usual.
		return false;
	}
}

/**
 * The Train form opening starts one pool worker, loads its backend and trains the warm-up
 * networks, so the run the person starts does not pay the worker's start-up nor its first epochs
 * at V8's unoptimised speed (bench/README.md: the first epochs of a fresh worker). A run that
 * starts meanwhile takes that worker and stops the warm-up.
 */
export function warmRunWorker(): void {
	if (!coldWorkersForBench()) void bridge.warmTrainingWorkers(1, () => getSetting('backend'));
}
