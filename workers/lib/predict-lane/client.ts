import type { PredictResult } from '$workers/protocol';
import { ANSWER_SEQ, CLOSED, ERROR, FALLBACK, REQUEST, RESULT, SEQ, STATE, laneView, readAnswer, writeCells, type LaneView } from './layout';

/** What the lane said about one row. 'fallback': send it by message instead (the importer's full reading, or the lane is unusable). */
export type LaneAnswer = { kind: 'result'; result: PredictResult } | { kind: 'error'; name: string; message: string } | { kind: 'fallback' };

export interface LaneClientOptions {
	/** How long the page polls for the answer before it yields to its event loop (Atomics.waitAsync). A batch-1 prediction is µs of work. */
	spinMs: number;
	/** Past this the lane counts as stuck: the caller ends it and uses the message lane. */
	timeoutMs: number;
	now: () => number;
}

type WaitAsync = (array: Int32Array, index: number, value: number, timeout?: number) => { async: boolean; value: Promise<string> | string };

/**
 * The page's end of the prediction lane (layout.ts). One row at a time: the main thread may not
 * block, so it writes the cells, flips STATE to REQUEST, wakes the lane worker and polls for up
 * to `spinMs`; a slower answer is awaited with Atomics.waitAsync (or timers where that is absent).
 */
export class LaneClient {
	readonly #view: LaneView;
	#seq = 0;
	#busy = false;
	/** Stuck once: never used again. */
	broken = false;

	constructor(
		buffer: SharedArrayBuffer,
		readonly columns: readonly string[],
		private readonly options: LaneClientOptions
	) {
		this.#view = laneView(buffer);
	}

	/** The row's answer; null when the lane cannot take it now (a row in flight, too big, or broken). */
	ask(row: Record<string, string>): LaneAnswer | Promise<LaneAnswer> | null {
		if (this.#busy || this.broken) return null;
		const cells = this.columns.map((c) => row[c] ?? '');
		try {
			if (!writeCells(this.#view, cells)) return null;
		} catch {
			// An engine that refuses something here (shared memory is young in some): the message lane.
			this.broken = true;
			return null;
		}
		const control = this.#view.control;
		const seq = (this.#seq = (this.#seq + 1) | 0);
		Atomics.store(control, SEQ, seq);
		Atomics.store(control, STATE, REQUEST);
		Atomics.notify(control, STATE, 1);
		this.#busy = true;
		const { now, spinMs } = this.options;
		const until = now() + spinMs;
		for (let i = 0; ; i++) {
			if (Atomics.load(control, STATE) !== REQUEST) return this.#finish(seq);
			if ((i & 63) === 63 && now() > until) break;
		}
		return this.#waitAsync(seq);
	}

	async #waitAsync(seq: number): Promise<LaneAnswer> {
		const control = this.#view.control;
		const deadline = this.options.now() + this.options.timeoutMs;
		const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
		while (Atomics.load(control, STATE) === REQUEST) {
			const left = deadline - this.options.now();
			if (left <= 0) {
				this.#busy = false;
				this.broken = true;
				return { kind: 'fallback' };
			}
			if (waitAsync) await waitAsync(control, STATE, REQUEST, left).value;
			else await new Promise((resolve) => setTimeout(resolve, 1));
		}
		return this.#finish(seq);
	}

	#finish(seq: number): LaneAnswer {
		this.#busy = false;
		const control = this.#view.control;
		const state = Atomics.load(control, STATE);
		if (Atomics.load(control, ANSWER_SEQ) !== seq || state === CLOSED) {
			this.broken = true;
			return { kind: 'fallback' };
		}
		if (state === RESULT) return { kind: 'result', result: JSON.parse(readAnswer(this.#view)) as PredictResult };
		if (state === ERROR) {
			const { name, message } = JSON.parse(readAnswer(this.#view)) as { name: string; message: string };
			return { kind: 'error', name, message };
		}
		if (state !== FALLBACK) this.broken = true;
		return { kind: 'fallback' };
	}

	/** Tells the lane worker to leave its loop (the page terminates it too). */
	close(): void {
		this.broken = true;
		Atomics.store(this.#view.control, STATE, CLOSED);
		Atomics.notify(this.#view.control, STATE);
	}
}
