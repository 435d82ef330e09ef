import { expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { guessTarget } from '$shared/table';
import { loadDataset, useCpu } from '../../tests/unit-support';
import { trainForScore } from './train';
import { yielder, yieldTask } from './yield-task';

it('takes a turn of the task queue: a timer due before it runs before it resolves', async () => {
	let fired = false;
	setTimeout(() => (fired = true), 0);
	const until = performance.now() + 5;
	while (performance.now() < until) await Promise.resolve();
	expect(fired).toBe(false);
	await yieldTask();
	expect(fired).toBe(true);
});

it('yields only once its interval has passed since the last turn', async () => {
	const breathe = yielder(40);
	expect(breathe()).toBeUndefined();
	const until = performance.now() + 45;
	while (performance.now() < until);
	const turn = breathe();
	expect(turn).toBeInstanceOf(Promise);
	await turn;
	expect(breathe()).toBeUndefined();
});

// The wasm and cpu backends' data() resolve as microtasks: without its turns the loop would hold
// every macrotask (IndexedDB events, messages) until the run ended.
it('lets the worker take its tasks while a run trains', async () => {
	await useCpu();
	const table = loadDataset('wine.csv');
	const target = guessTarget(table);
	let training = true;
	let firedWhileTraining: boolean | null = null;
	setTimeout(() => (firedWhileTraining = training), 0);
	await trainForScore(table, { ...DEFAULT_CONFIG, target, task: 'classification', features: table.columns.map((c) => c.name).filter((n) => n !== target), epochs: 40, batchSize: 8, patience: 0 });
	training = false;
	expect(firedWhileTraining).toBe(true);
});
