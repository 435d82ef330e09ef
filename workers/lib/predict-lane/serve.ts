import { ANSWER_SEQ, CLOSED, ERROR, FALLBACK, REQUEST, RESULT, SEQ, STATE, readCells, writeAnswer, type LaneView } from './layout';
import type { LaneModel } from './lane-model';

/** One request in the lane → its answer written and the state flipped (the page may be spinning on it or in Atomics.waitAsync). */
export function answerOne(view: LaneView, model: LaneModel): number {
	let state = FALLBACK;
	try {
		const result = model.predict(readCells(view));
		if (result && writeAnswer(view, JSON.stringify(result))) state = RESULT;
	} catch (error) {
		const { name, message } = error instanceof Error ? error : { name: 'WorkerError', message: String(error) };
		state = writeAnswer(view, JSON.stringify({ name, message })) ? ERROR : FALLBACK;
	}
	Atomics.store(view.control, ANSWER_SEQ, Atomics.load(view.control, SEQ));
	Atomics.store(view.control, STATE, state);
	Atomics.notify(view.control, STATE);
	return state;
}

export interface ServeOptions {
	/**
	 * After an answer the lane keeps polling this long before it sleeps in Atomics.wait: a
	 * sleeping thread takes tens of µs to wake (a futex), the page's next row of a burst finds a
	 * polling one at once. Idle, the lane sleeps and costs no CPU.
	 */
	spinMs: number;
	now: () => number;
}

/** The lane worker's whole life: answer requests until the page writes CLOSED. Blocks its thread. */
export function serveLane(view: LaneView, model: LaneModel, { spinMs, now }: ServeOptions): void {
	const control = view.control;
	for (;;) {
		let state = Atomics.load(control, STATE);
		if (state === CLOSED) return;
		if (state === REQUEST) {
			answerOne(view, model);
			continue;
		}
		if (spinMs > 0) {
			const until = now() + spinMs;
			for (let i = 0; state !== REQUEST && state !== CLOSED; i++) {
				// Reading the clock costs more than a load: look at it every so often.
				if ((i & 255) === 255 && now() > until) break;
				state = Atomics.load(control, STATE);
			}
			if (state === REQUEST || state === CLOSED) continue;
		}
		Atomics.wait(control, STATE, state);
	}
}
