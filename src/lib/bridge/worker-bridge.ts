import * as Comlink from 'comlink';
import { KilnError, type ErrorKind } from '$shared/errors';

/**
 * The whole page↔worker boundary for one kind of worker (after Squoosh's WorkerBridge): the
 * worker starts on first use, calls run one at a time, and aborting a call terminates the
 * worker — the only way to stop a busy kernel at once — so the next call gets a fresh one.
 */
export class WorkerBridge<Api extends object> {
	private worker: Worker | null = null;
	private api: Comlink.Remote<Api> | null = null;
	private queue: Promise<unknown> = Promise.resolve();
	private crash: ((error: Error) => void) | null = null;

	constructor(
		private readonly create: () => Worker,
		private readonly label: string
	) {}

	private start(): Comlink.Remote<Api> {
		if (this.api) return this.api;
		const worker = this.create();
		worker.addEventListener('error', (event) => {
			event.preventDefault();
			const detail = event.message && !event.message.includes('[object') ? `: ${event.message}` : '';
			this.crash?.(new KilnError('WorkerError', `The ${this.label} worker stopped unexpectedly${detail}. Try again; if it keeps happening, switch the compute backend in Settings.`));
			this.stop();
		});
		this.worker = worker;
		this.api = Comlink.wrap<Api>(worker);
		return this.api;
	}

	/** Start the worker now (its script loads and compiles) so a call soon after does not wait for it. */
	warm(): void {
		this.start();
	}

	stop(): void {
		this.worker?.terminate();
		this.worker = null;
		this.api = null;
	}

	private laneCount = 0;

	/**
	 * A call outside Comlink, for the few where its bookkeeping costs more than the work (a form
	 * prediction of a small model): one plain message `{ lane, n, ...payload }` to the worker,
	 * answered by `{ lane, n, result }` or `{ lane, n, error }`. Comlink ignores both (no `id`,
	 * no `type`). Queued, aborted and crash-reported like `call`.
	 */
	lane<T>(lane: string, payload: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
		return this.call(
			() =>
				new Promise<T>((resolve, reject) => {
					const worker = this.worker!;
					const n = ++this.laneCount;
					const onMessage = (event: MessageEvent) => {
						const data = event.data as { lane?: string; n?: number; result?: T; error?: { name: string; message: string } } | null;
						if (data?.lane !== lane || data.n !== n) return;
						worker.removeEventListener('message', onMessage);
						if (data.error) reject(new KilnError(data.error.name as ErrorKind, data.error.message));
						else resolve(data.result as T);
					};
					worker.addEventListener('message', onMessage);
					worker.postMessage({ lane, n, ...payload });
				}),
			signal
		);
	}

	/**
	 * Run `job` now, beside the queue: for work a worker drops by itself when a queued call
	 * reaches it (the ML worker's warm-up, stopped by any job's first call), so queued calls never
	 * wait for it. A crash is reported to the queued call, if any; this call's promise may then
	 * never settle, so nothing but the warm-up's own timing may wait on it.
	 */
	beside<T>(job: (api: Comlink.Remote<Api>) => Promise<T>): Promise<T> {
		return job(this.start());
	}

	/** Queue `job` after earlier calls; reject with AbortError and kill the worker on abort. */
	call<T>(job: (api: Comlink.Remote<Api>) => Promise<T>, signal?: AbortSignal): Promise<T> {
		const run = async (): Promise<T> => {
			if (signal?.aborted) throw new KilnError('AbortError', 'Cancelled.');
			const api = this.start();
			return new Promise<T>((resolve, reject) => {
				const onAbort = () => {
					this.stop();
					reject(new KilnError('AbortError', 'Cancelled.'));
				};
				signal?.addEventListener('abort', onAbort, { once: true });
				this.crash = reject;
				job(api)
					.then(resolve, reject)
					.finally(() => {
						signal?.removeEventListener('abort', onAbort);
						this.crash = null;
					});
			});
		};
		const result = this.queue.then(run, run);
		this.queue = result.catch(() => undefined);
		return result;
	}
}
