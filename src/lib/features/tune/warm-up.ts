import * as bridge from '$lib/bridge';
import { getSetting } from '$lib/db';
import { span } from './trial-timeline';
import { coldWorkersForBench } from '../train/warm-up';

/**
 * The Tune page opening starts the ML pool's workers and loads their backend, so the first
 * trials of a search do not pay a worker's start-up (0.6–1 s each in the tune bench, two workers
 * starting at once being the slowest). The tune bench times searches both ways (coldWorkersForBench).
 */
export function warmSearchWorkers(): void {
	if (coldWorkersForBench()) return;
	const started = performance.now();
	void bridge.warmTrialWorkers(() => getSetting('backend')).then(() => span('warm', started, performance.now()));
}
