import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it, vi } from 'vitest';
import { useCpu } from '../../tests/unit-support';

// The worker's backend loader imports wasm assets through Vite; the spec trains on tfjs's cpu.
vi.mock('./backend', () => ({ ensureBackend: async () => ({ backend: 'cpu', note: '' }), chosenBackend: () => 'cpu', markActive: () => {} }));
const { stoppingWarmUp, tuneHandlers } = await import('./tune');

beforeAll(useCpu);

/** How many tensors tfjs has made so far: a warm-up that trains makes thousands. */
const tensorsMade = () => {
	const probe = tf.scalar(0);
	probe.dispose();
	return probe.id;
};

it('a job taking a worker that is warming up stops the warm-up and runs once it has let go of its tensors', async () => {
	const before = tf.memory().numTensors;
	const api = stoppingWarmUp({ warmTrials: tuneHandlers.warmTrials, useBackend: async () => undefined, job: async () => tf.memory().numTensors });
	// The warm-up's own preparation loads the backend first: that does not count as a job.
	await api.useBackend();
	let ended = false;
	const warming = api.warmTrials().finally(() => (ended = true));
	// Its training loop yields to the task queue: wait until it holds a network's tensors.
	while (tf.memory().numTensors === before && !ended) await new Promise((resolve) => setTimeout(resolve, 5));
	expect(ended).toBe(false);
	expect(await api.job()).toBe(before);
	await warming;
	expect(tf.memory().numTensors).toBe(before);
});

it('a warm-up arriving after a job has started in the worker trains nothing (the worker is warm or busy)', async () => {
	const api = stoppingWarmUp({ warmTrials: tuneHandlers.warmTrials, job: async () => undefined });
	await api.job();
	const made = tensorsMade();
	await api.warmTrials();
	expect(tensorsMade() - made).toBe(1);
});
