import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { useCpu } from '../../tests/unit-support';
import { warmTrialPath } from './trial-warmup';

it('trains its warm-up networks and leaves no tensor behind', async () => {
	await useCpu();
	await warmTrialPath(undefined, 4);
	const before = tf.memory().numTensors;
	await warmTrialPath(undefined, 4);
	expect(tf.memory().numTensors).toBe(before);
});

it('stops before its next network once its signal aborts (a trial reached the worker), leaving no tensor behind', async () => {
	await useCpu();
	const before = tf.memory().numTensors;
	const stop = new AbortController();
	stop.abort();
	await warmTrialPath(stop.signal, 4);
	expect(tf.memory().numTensors).toBe(before);
	const later = new AbortController();
	const warming = warmTrialPath(later.signal, 4);
	setTimeout(() => later.abort(), 0);
	await warming;
	expect(tf.memory().numTensors).toBe(before);
});

it('warms up with one epoch a network (its resumed network then trains in one piece)', async () => {
	await useCpu();
	const before = tf.memory().numTensors;
	await expect(warmTrialPath(undefined, 1)).resolves.toBeUndefined();
	expect(tf.memory().numTensors).toBe(before);
});
