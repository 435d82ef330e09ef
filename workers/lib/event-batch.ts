import type { JobEvent } from '../protocol';

/** Event kinds where only the newest counts: a later one replaces one not yet sent. */
const LATEST_ONLY = new Set<JobEvent['type']>(['progress', 'stage']);
/** Event kinds that go at once, with everything before them. */
const AT_ONCE = new Set<JobEvent['type']>(['log', 'error', 'done']);

/**
 * A job's events for the page in batches: at most one message per `everyMs` while it runs (the
 * first after `everyMs`, so a short job sends one), a log line at once, and whatever is left
 * when the caller flushes at the job's end. Each event sent through a Comlink callback is a
 * message to the page and a reply to the worker; a search trial sent about twenty (a progress and
 * a metric per epoch), and with two workers on two cores those messages were the page's largest
 * share of main-thread time (tune bench trace: ~480 message tasks in a 16-trial search), CPU
 * the workers needed. The page draws its live views at most once a second anyway.
 */
export function eventBatcher(send: (events: JobEvent[]) => void, everyMs = 500, now: () => number = () => performance.now()): { emit: (event: JobEvent) => void; flush: () => void } {
	let pending: JobEvent[] = [];
	let last = now();
	const flush = () => {
		if (pending.length === 0) return;
		const events = pending;
		pending = [];
		last = now();
		send(events);
	};
	const emit = (event: JobEvent) => {
		if (LATEST_ONLY.has(event.type)) pending = pending.filter((e) => e.type !== event.type);
		pending.push(event);
		if (AT_ONCE.has(event.type) || now() - last >= everyMs) flush();
	};
	return { emit, flush };
}
