import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { useCpu } from '../../tests/unit-support';
import { warmTrialPath } from './trial-warmup';

it('trains its three warm-up networks and leaves no tensor behind', async () => {
	await useCpu();
	await warmTrialPath();
	const before = tf.memory().numTensors;
	await warmTrialPath();
	expect(tf.memory().numTensors).toBe(before);
});
