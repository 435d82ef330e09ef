import * as tf from '@tensorflow/tfjs-core';
import type { ModelArtifacts, Preprocessing } from '$workers/protocol';
import { buildModel, serializeModel } from '$workers/lib/model';
import { Checker } from '../validate';
import type { RecipeManifest } from './recipe';

export interface ImportedWeights {
	model: ModelArtifacts;
	preprocessing: Preprocessing;
	/** What the script measured on the holdout, e.g. { task: 'classification', accuracy: 0.97 }. */
	reported: Record<string, unknown>;
	epochs: number;
	worldSize: number;
}

/**
 * kiln-weights.json + kiln-weights.bin written by the recipe's train.py → Kiln model artifacts
 * with the recipe's preprocessing. Kernels arrive [inputs × units] row-major, then the bias, per
 * layer: tfjs's own Dense layout.
 */
export async function importTorchWeights(recipe: RecipeManifest, info: unknown, weights: ArrayBuffer): Promise<ImportedWeights> {
	const c = new Checker('ImportError', 'These trained weights cannot be imported');
	const o = c.object(info, 'kiln-weights.json', ['format', 'formatVersion', 'layers', 'metrics', 'epochs', 'worldSize'], ['backend', 'torch'], 'keep');
	if (o.format !== 'kiln-torch-weights') c.fail('kiln-weights.json', 'was not written by a Kiln training recipe');
	c.integer(o.formatVersion, 'kiln-weights.json.formatVersion', 1, 1);
	const { config, preprocessing } = recipe;
	const outputs = preprocessing.target.task === 'classification' ? preprocessing.target.classes.length : 1;
	const sizes = [preprocessing.inputSize, ...(config.model === 'mlp' ? config.hiddenLayers : []), outputs];
	const layers = c.array(o.layers, 'kiln-weights.json.layers', sizes.length - 1, sizes.length - 1).map((l, i) => {
		const e = c.object(l, `kiln-weights.json.layers[${i}]`, ['inputs', 'units']);
		return { inputs: c.integer(e.inputs, `kiln-weights.json.layers[${i}].inputs`, sizes[i], sizes[i]), units: c.integer(e.units, `kiln-weights.json.layers[${i}].units`, sizes[i + 1], sizes[i + 1]) };
	});
	const need = layers.reduce((n, l) => n + (l.inputs + 1) * l.units * 4, 0);
	if (weights.byteLength !== need) c.fail('kiln-weights.bin', `has ${weights.byteLength} bytes; the model needs ${need}`);
	const values = new Float32Array(weights.byteLength / 4);
	const view = new DataView(weights);
	for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(4 * i, true);
	c.finite(values, 'kiln-weights.bin');
	const model = buildModel({ kind: config.model, inputSize: preprocessing.inputSize, outputSize: outputs, hiddenLayers: config.hiddenLayers, seed: config.seed });
	try {
		let at = 0;
		const dense = model.layers.filter((l) => l.getClassName() === 'Dense');
		dense.forEach((layer, i) => {
			const { inputs, units } = layers[i];
			const kernel = tf.tensor2d(values.subarray(at, at + inputs * units), [inputs, units]);
			const bias = tf.tensor1d(values.subarray(at + inputs * units, at + (inputs + 1) * units));
			layer.setWeights([kernel, bias]);
			kernel.dispose();
			bias.dispose();
			at += (inputs + 1) * units;
		});
		const metrics = c.object(o.metrics, 'kiln-weights.json.metrics', ['task'], [], 'keep');
		return {
			model: await serializeModel(model),
			preprocessing,
			reported: metrics,
			epochs: c.integer(o.epochs, 'kiln-weights.json.epochs', 0, 1_000_000),
			worldSize: c.integer(o.worldSize, 'kiln-weights.json.worldSize', 1, 1_000_000)
		};
	} finally {
		model.dispose();
	}
}
