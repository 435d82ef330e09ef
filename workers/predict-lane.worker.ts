import { laneModel, type LanePackage } from './lib/predict-lane/lane-model';
import { laneView } from './lib/predict-lane/layout';
import { serveLane } from './lib/predict-lane/serve';

/**
 * The prediction lane: one model's plain-JS forward and row reading, answering form rows through
 * a SharedArrayBuffer (lib/predict-lane/layout.ts). Fed once; from then on its thread lives in
 * serveLane (Atomics.wait between requests), so it takes no further messages — a new model gets a
 * new lane worker. Not the ML worker: a thread blocked in Atomics.wait handles no messages.
 */
self.addEventListener(
	'message',
	(event: MessageEvent<{ buffer: SharedArrayBuffer; pkg: LanePackage; spinMs: number }>) => {
		const { buffer, pkg, spinMs } = event.data;
		try {
			const model = laneModel(pkg);
			const view = laneView(buffer);
			self.postMessage({ ready: true, columns: model.columns });
			// After this turn, so the ready message is out before the thread starts blocking.
			setTimeout(() => serveLane(view, model, { spinMs, now: () => performance.now() }), 0);
		} catch (error) {
			const { name, message } = error instanceof Error ? error : { name: 'WorkerError', message: String(error) };
			self.postMessage({ error: { name, message } });
		}
	},
	{ once: true }
);
