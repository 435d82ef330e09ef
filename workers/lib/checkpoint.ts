import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { EpochRecord, TrainCheckpoint } from '../protocol';
import { KilnError } from '$shared/errors';
import { serializeModel } from './model';
import { adamPowers, restoreAdamPowers } from './adam-powers';
import { canonicalSpecs } from './canonical-specs';

export async function captureCheckpoint(model: tfl.LayersModel, optimizer: tf.Optimizer, epoch: number, history: EpochRecord[], trainingMs: number): Promise<TrainCheckpoint> {
	const state = await optimizer.getWeights();
	const powers = await adamPowers(optimizer);
	try {
		const { data, specs } = await tf.io.encodeWeights(state);
		return {
			epoch,
			model: await serializeModel(model),
			optimizer: { data, specs: specs.map(({ name, shape, dtype }) => ({ name, shape, dtype })) },
			history: [...history],
			trainingMs,
			...(powers ? { adamPowers: powers } : {})
		};
	} finally {
		// The first entry is a fresh step-count scalar; the rest are the optimiser's live variables.
		state[0]?.tensor.dispose();
	}
}

/** Put the checkpoint's weights and optimiser state into a freshly built model and optimiser. */
export async function restoreCheckpoint(model: tfl.LayersModel, optimizer: tf.Optimizer, checkpoint: TrainCheckpoint): Promise<void> {
	const specs = canonicalSpecs(checkpoint.model.weightSpecs as tf.io.WeightsManifestEntry[]);
	const current = model.weights.map((w) => w.shape);
	const fits = specs.length === current.length && specs.every((s, i) => s.shape.join() === current[i].join());
	if (!fits) throw new KilnError('TrainingError', 'The saved checkpoint does not fit this model (its layer shapes differ). Start a new run instead.');
	// Weight names carry per-session layer counters, so values are matched by order, not name.
	const weights = tf.io.decodeWeights(checkpoint.model.weightData, specs);
	const stateSpecs = canonicalSpecs(checkpoint.optimizer.specs as tf.io.WeightsManifestEntry[]);
	const state = tf.io.decodeWeights(checkpoint.optimizer.data, stateSpecs);
	try {
		model.setWeights(specs.map((s) => weights[s.name]));
		await optimizer.setWeights(stateSpecs.map((s) => ({ name: s.name, tensor: state[s.name] })));
		restoreAdamPowers(optimizer, checkpoint.adamPowers);
	} finally {
		tf.dispose([...Object.values(weights), ...Object.values(state)]);
	}
}
