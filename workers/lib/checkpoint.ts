import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { EpochRecord, TrainCheckpoint } from '../protocol';
import { KilnError } from '$shared/errors';
import { serializeModel } from './model';
import { captureOptimizer, restoreOptimizer } from './optimizer-state';
import { canonicalSpecs } from './canonical-specs';

export async function captureCheckpoint(model: tfl.LayersModel, optimizer: tf.Optimizer, epoch: number, history: EpochRecord[], trainingMs: number): Promise<TrainCheckpoint> {
	return { epoch, model: await serializeModel(model), ...(await captureOptimizer(optimizer)), history: [...history], trainingMs };
}

/** Put the checkpoint's weights and optimiser state into a freshly built model and optimiser. */
export async function restoreCheckpoint(model: tfl.LayersModel, optimizer: tf.Optimizer, checkpoint: TrainCheckpoint): Promise<void> {
	const specs = canonicalSpecs(checkpoint.model.weightSpecs as tf.io.WeightsManifestEntry[]);
	const current = model.weights.map((w) => w.shape);
	const fits = specs.length === current.length && specs.every((s, i) => s.shape.join() === current[i].join());
	if (!fits) throw new KilnError('TrainingError', 'The saved checkpoint does not fit this model (its layer shapes differ). Start a new run instead.');
	// Weight names carry per-session layer counters, so values are matched by order, not name.
	const weights = tf.io.decodeWeights(checkpoint.model.weightData, specs);
	try {
		model.setWeights(specs.map((s) => weights[s.name]));
	} finally {
		tf.dispose(Object.values(weights));
	}
	await restoreOptimizer(optimizer, checkpoint);
}
