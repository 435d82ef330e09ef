import type { TrialPhase } from '$workers/protocol';

/**
 * Where a search's time goes, on the page's performance timeline (DevTools' Performance panel
 * shows it; the tune bench reads it): one `tune:` measure per stretch of each trial job, the
 * worker's own stretches included. Timing only; a browser without User Timing skips it.
 */
export function span(name: string, start: number, end: number, detail: Record<string, number> = {}): void {
	try {
		performance.measure(`tune:${name}`, { start, end: Math.max(start, end), detail });
	} catch {
		// An old browser without the options form of measure: no timeline, nothing else changes.
	}
}

/** The worker's stretches (epoch milliseconds) on the page's clock. */
export function workerSpans(phases: TrialPhase[] | undefined, detail: Record<string, number>): void {
	for (const p of phases ?? []) span(`worker:${p.name}`, p.start - performance.timeOrigin, p.end - performance.timeOrigin, detail);
}
