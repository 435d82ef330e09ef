import * as tf from '@tensorflow/tfjs-core';
import type { ModelArtifacts, Preprocessing } from '$workers/protocol';
import type * as tfl from '@tensorflow/tfjs-layers';
import { resolveMlpOptions } from '$shared/mlp-options';
import { buildModel, serializeModel, type ModelShape } from '$workers/lib/model';
import { foldForStorage } from '$workers/lib/mlp/fold';
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
 * with the recipe's preprocessing. Per Dense layer the file holds the kernel [inputs × units]
 * row-major (tfjs's own Dense layout) and the bias, then, for a layer followed by batch-norm
 * (format 2), its gamma, beta, moving mean and moving variance. The network is rebuilt as Kiln
 * trains it (batch-norm and dropout layers included) and then stored as Kiln stores its own runs:
 * batch-norm folded into the Dense layer, dropout dropped (mlp/fold.ts).
 */
export async function importTorchWeights(recipe: RecipeManifest, info: unknown, weights: ArrayBuffer): Promise<ImportedWeights> {
	const c = new Checker('ImportError', 'These trained weights cannot be imported');
	const o = c.object(info, 'kiln-weights.json', ['format', 'formatVersion', 'layers', 'metrics', 'epochs', 'worldSize'], ['backend', 'torch', 'bestEpoch', 'stoppedEarly'], 'keep');
	if (o.format !== 'kiln-torch-weights') c.fail('kiln-weights.json', 'was not written by a Kiln training recipe');
	const version = c.integer(o.formatVersion, 'kiln-weights.json.formatVersion', 1, 2);
	const { config, preprocessing } = recipe;
	const mlp = config.model === 'mlp' ? config.mlp : undefined;
	const batchNorm = config.model === 'mlp' && resolveMlpOptions(mlp).batchNorm;
	const outputs = preprocessing.target.task === 'classification' ? preprocessing.target.classes.length : 1;
	const sizes = [preprocessing.inputSize, ...(config.model === 'mlp' ? config.hiddenLayers : []), outputs];
	const layers = c.array(o.layers, 'kiln-weights.json.layers', sizes.length - 1, sizes.length - 1).map((l, i) => {
		const at = `kiln-weights.json.layers[${i}]`;
		const e = c.object(l, at, ['inputs', 'units'], ['batchNorm']);
		const norm = version >= 2 && e.batchNorm === true;
		if (norm !== (batchNorm && i < sizes.length - 2)) c.fail(`${at}.batchNorm`, batchNorm ? 'must be true on every hidden layer of this batch-norm run' : 'must be absent: this run has no batch-norm');
		return { inputs: c.integer(e.inputs, `${at}.inputs`, sizes[i], sizes[i]), units: c.integer(e.units, `${at}.units`, sizes[i + 1], sizes[i + 1]), norm };
	});
	const need = layers.reduce((n, l) => n + ((l.inputs + 1) * l.units + (l.norm ? 4 * l.units : 0)) * 4, 0);
	if (weights.byteLength !== need) c.fail('kiln-weights.bin', `has ${weights.byteLength} bytes; the model needs ${need}`);
	const values = new Float32Array(weights.byteLength / 4);
	const view = new DataView(weights);
	for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(4 * i, true);
	c.finite(values, 'kiln-weights.bin');
	let at = 0;
	const tensors: tf.Tensor[] = [];
	const take = (n: number, shape: number[]) => {
		const t = tf.tensor(values.subarray(at, at + n), shape);
		at += n;
		tensors.push(t);
		return t;
	};
	const shape: ModelShape = { kind: config.model, inputSize: preprocessing.inputSize, outputSize: outputs, hiddenLayers: config.hiddenLayers, seed: config.seed, mlp };
	const model = buildModel(shape);
	let stored: tfl.LayersModel | null = null;
	try {
		const trained = model.layers.filter((l) => l.getClassName() === 'Dense' || l.getClassName() === 'BatchNormalization');
		let k = 0;
		for (const { inputs, units, norm } of layers) {
			trained[k++].setWeights([take(inputs * units, [inputs, units]), take(units, [units])]);
			if (!norm) continue;
			const [gamma, beta, mean, variance] = [0, 1, 2, 3].map(() => take(units, [units]));
			// A moving variance below 0 would give NaN once folded (√(σ² + ε)).
			if ((variance.dataSync() as Float32Array).some((v) => v < 0)) c.fail('kiln-weights.bin', `holds a negative moving variance in hidden layer ${k}`);
			trained[k++].setWeights([gamma, beta, mean, variance]);
		}
		stored = foldForStorage(model, shape);
		const metrics = c.object(o.metrics, 'kiln-weights.json.metrics', ['task'], [], 'keep');
		return {
			model: await serializeModel(stored),
			preprocessing,
			reported: metrics,
			epochs: c.integer(o.epochs, 'kiln-weights.json.epochs', 0, 1_000_000),
			worldSize: c.integer(o.worldSize, 'kiln-weights.json.worldSize', 1, 1_000_000)
		};
	} finally {
		tf.dispose(tensors);
		if (stored && stored !== model) stored.dispose();
		model.dispose();
	}
}
