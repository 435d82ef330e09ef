import type * as Comlink from 'comlink';
import { KilnError } from '$shared/errors';
import { WorkerBridge } from './worker-bridge';

/**
 * Up to `size` workers of one kind running jobs side by side (training runs, search trials),
 * each job in a worker of its own. Further jobs wait for a free worker; a waiting job can be
 * cancelled. Workers are reused while warm and stopped after `idleMs` without work, which
 * frees their memory and GPU contexts (after excalidraw's worker pool).
 */
export class WorkerPool<Api extends object> {
	readonly #idle: { bridge: WorkerBridge<Api>; timer: ReturnType<typeof setTimeout> }[] = [];
	readonly #waiting: (() => void)[] = [];
	#running = 0;

	constructor(
		private readonly create: () => Worker,
		private readonly label: string,
		readonly size: number,
		private readonly idleMs = 60_000
	) {}

	get running(): number {
		return this.#running;
	}

	/** Run `job` in a worker of its own; `onStart` fires once it leaves the queue. */
	async run<T>(job: (api: Comlink.Remote<Api>) => Promise<T>, signal?: AbortSignal, onStart?: () => void): Promise<T> {
		await this.#slot(signal);
		const warm = this.#idle.pop();
		if (warm) clearTimeout(warm.timer);
		const bridge = warm?.bridge ?? new WorkerBridge<Api>(this.create, this.label);
		try {
			onStart?.();
			return await bridge.call(job, signal);
		} finally {
			this.#park(bridge);
			// The slot passes straight to the next waiting job, so none can slip in between.
			const next = this.#waiting.shift();
			if (next) next();
			else this.#running--;
		}
	}

	/**
	 * Start workers before jobs need them, up to `count` (and the pool's size) counting the
	 * running and idle ones, each running `prepare` (e.g. loading its compute backend): a page
	 * that will soon run jobs (Tune) pays a worker's start-up (1–1.5 s under load in the tune
	 * bench) while the person fills its form. A warmed worker idles out like any other; a job
	 * that takes it while `prepare` still runs reaches it behind prepare's calls. `alongside`
	 * (the ML worker's warm-up) then runs beside the worker's queue, so a job never waits for it:
	 * the worker stops it when the job's first call arrives (stoppingWarmUp in workers/ml/tune.ts).
	 * A failed `prepare` is ignored: the job meets the same failure and reports it.
	 */
	warm(count: number, prepare: (api: Comlink.Remote<Api>) => Promise<unknown>, alongside?: (api: Comlink.Remote<Api>) => Promise<unknown>): Promise<void> {
		const missing = Math.min(count, this.size) - this.#running - this.#idle.length;
		const ready: Promise<unknown>[] = [];
		for (let i = 0; i < missing; i++) {
			const bridge = new WorkerBridge<Api>(this.create, this.label);
			this.#park(bridge);
			ready.push(
				bridge
					.call(prepare)
					.then(() => alongside && bridge.beside(alongside))
					.catch(() => undefined)
			);
		}
		return Promise.all(ready).then(() => undefined);
	}

	/** Keep `bridge` for the next job; stop it after `idleMs` without one. */
	#park(bridge: WorkerBridge<Api>): void {
		const timer = setTimeout(() => {
			const at = this.#idle.findIndex((w) => w.bridge === bridge);
			if (at >= 0) this.#idle.splice(at, 1);
			bridge.stop();
		}, this.idleMs);
		this.#idle.push({ bridge, timer });
	}

	#slot(signal?: AbortSignal): Promise<void> {
		if (signal?.aborted) return Promise.reject(new KilnError('AbortError', 'Cancelled.'));
		if (this.#running < this.size) {
			this.#running++;
			return Promise.resolve();
		}
		return new Promise((resolve, reject) => {
			const wake = () => {
				signal?.removeEventListener('abort', onAbort);
				resolve();
			};
			const onAbort = () => {
				const at = this.#waiting.indexOf(wake);
				if (at >= 0) this.#waiting.splice(at, 1);
				reject(new KilnError('AbortError', 'Cancelled.'));
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			this.#waiting.push(wake);
		});
	}
}
