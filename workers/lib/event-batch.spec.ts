import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../protocol';
import { eventBatcher } from './event-batch';

const progress = (epoch: number): JobEvent => ({ type: 'progress', fraction: epoch / 10, epoch, epochs: 10, batch: 1, batches: 1 });
const metric = (epoch: number): JobEvent => ({ type: 'metric', metricName: 'accuracy', epoch, trainLoss: 1 / epoch, valLoss: 1 / epoch, valMetric: epoch / 10 });

describe('eventBatcher', () => {
	it('sends a short job as one batch at its flush: every metric, the newest progress', () => {
		let clock = 0;
		const sent: JobEvent[][] = [];
		const batch = eventBatcher((events) => sent.push(events), 500, () => clock);
		for (let epoch = 1; epoch <= 3; epoch++) {
			clock += 10;
			batch.emit(progress(epoch));
			batch.emit(metric(epoch));
		}
		expect(sent).toEqual([]);
		batch.flush();
		expect(sent).toEqual([[metric(1), metric(2), progress(3), metric(3)]]);
		batch.flush();
		expect(sent).toHaveLength(1);
	});

	it('sends at most once per interval while a job runs, and a log line at once', () => {
		let clock = 0;
		const sent: JobEvent[][] = [];
		const batch = eventBatcher((events) => sent.push(events), 500, () => clock);
		for (let epoch = 1; epoch <= 10; epoch++) {
			clock += 200;
			batch.emit(metric(epoch));
		}
		// At 600 ms (epochs 1–3), 1,200 ms (4–6) and 1,800 ms (7–9); epoch 10 waits for the flush.
		expect(sent.map((events) => events.map((e) => (e as { epoch: number }).epoch))).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
		batch.emit({ type: 'log', message: 'resumed' });
		expect(sent.at(-1)).toEqual([metric(10), { type: 'log', message: 'resumed' }]);
	});
});
