import * as bridge from '$lib/bridge';
import { getSetting } from '$lib/db';
import { span } from './trial-timeline';

/**
 * The Tune page opening starts the ML pool's workers and loads their backend, so the first
 * trials of a search do not pay a worker's start-up (0.6–1 s each in the tune bench, two workers
 * starting at once being the slowest). The tune bench times searches both ways: its cold runs set
 * `kiln-bench-cold-workers` = '1' in the tab's sessionStorage, which skips this.
 */
export function warmSearchWorkers(): void {
	try {
		if (sessionStorage.getItem('kiln-bench-cold-workers') === '1') return;
	} catch {
		// Storage blocked: warm as usual.
	}
	const started = performance.now();
	void bridge.warmTrialWorkers(() => getSetting('backend')).then(() => span('warm', started, performance.now()));
}
