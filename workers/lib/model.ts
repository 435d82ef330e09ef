import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ModelArtifacts, ModelKind } from '../protocol';
import { canonicalSpecs } from './canonical-specs';
import { dropoutAt, resolveMlpOptions, type MlpOptions } from '$shared/mlp-options';

export interface ModelShape {
	kind: ModelKind;
	inputSize: number;
	/** Output units: one per class, or 1 for regression. */
	outputSize: number;
	hiddenLayers: number[];
	seed: number;
	/** Activation, dropout and batch-norm of the hidden layers; absent: relu only. */
	mlp?: MlpOptions;
}

/**
 * A dense network whose last layer emits logits (classification) or the standardised value
 * (regression). Softmax is applied at prediction time so the loss can use the stable
 * logits form. Each layer's initializer is seeded, so a seed fixes the starting weights.
 */
export function buildModel(shape: ModelShape): tfl.Sequential {
	const model = tfl.sequential();
	const hidden = shape.kind === 'mlp' ? shape.hiddenLayers : [];
	const options = resolveMlpOptions(shape.mlp);
	const activation = options.activation;
	hidden.forEach((units, i) => {
		model.add(
			tfl.layers.dense({
				units,
				// With batch-norm the activation follows the normalisation (its own layer).
				activation: options.batchNorm ? 'linear' : activation,
				// He suits relu and elu; Glorot the saturating tanh and sigmoid.
				kernelInitializer: activation === 'tanh' || activation === 'sigmoid' ? tfl.initializers.glorotUniform({ seed: shape.seed + i }) : tfl.initializers.heNormal({ seed: shape.seed + i }),
				...(i === 0 ? { inputShape: [shape.inputSize] } : {})
			})
		);
		if (options.batchNorm) {
			// torch's defaults (running averages move 10 % per step): small tabular sets give few steps.
			model.add(tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }));
			model.add(tfl.layers.activation({ activation }));
		}
		const rate = dropoutAt(options, i);
		// Unseeded on purpose: training applies dropout through its own seeded masks (mlp/forward.ts).
		if (rate > 0) model.add(tfl.layers.dropout({ rate }));
	});
	model.add(
		tfl.layers.dense({
			units: shape.outputSize,
			kernelInitializer: tfl.initializers.glorotUniform({ seed: shape.seed + hidden.length }),
			...(hidden.length === 0 ? { inputShape: [shape.inputSize] } : {})
		})
	);
	return model;
}

export async function serializeModel(model: tfl.LayersModel): Promise<ModelArtifacts> {
	let saved: tf.io.ModelArtifacts | undefined;
	await model.save(
		tf.io.withSaveHandler(async (artifacts) => {
			saved = artifacts;
			return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
		})
	);
	if (!saved?.weightData || !saved.weightSpecs || !saved.modelTopology) throw new Error('tfjs returned an incomplete model.');
	const data = saved.weightData;
	return {
		modelTopology: saved.modelTopology as object,
		weightSpecs: saved.weightSpecs.map(({ name, shape, dtype }) => ({ name, shape, dtype })),
		weightData: Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : data
	};
}

export function deserializeModel(artifacts: ModelArtifacts): Promise<tfl.LayersModel> {
	return tfl.loadLayersModel(
		tf.io.fromMemory({
			modelTopology: artifacts.modelTopology,
			weightSpecs: canonicalSpecs(artifacts.weightSpecs as tf.io.WeightsManifestEntry[]),
			weightData: artifacts.weightData
		})
	);
}

/**
 * Run the model over a row-major matrix in batches, returning the raw outputs. Each batch goes to
 * `predict` whole: left to itself, predict splits it into batches of 32, and a training run's
 * validation pass after every epoch was then a fifth of all the memory a run allocated (V8's
 * sampling heap profiler over search trials), young-generation collections the worker and the
 * browser's background threads pay for.
 */
export async function forward(model: tfl.LayersModel, x: Float32Array, rows: number, inputSize: number, batchSize = 1024): Promise<Float32Array> {
	const outputSize = (model.outputs[0].shape[1] as number) ?? 1;
	const out = new Float32Array(rows * outputSize);
	for (let start = 0; start < rows; start += batchSize) {
		const n = Math.min(batchSize, rows - start);
		const y = tf.tidy(() => model.predict(tf.tensor2d(x.subarray(start * inputSize, (start + n) * inputSize), [n, inputSize]), { batchSize: n }) as tf.Tensor);
		out.set(await y.data<'float32'>(), start * outputSize);
		y.dispose();
	}
	return out;
}

/** Index of the largest output per row. */
export function argmaxRows(values: Float32Array, width: number): Int32Array {
	const rows = values.length / width;
	const out = new Int32Array(rows);
	for (let r = 0; r < rows; r++) {
		let best = 0;
		for (let c = 1; c < width; c++) if (values[r * width + c] > values[r * width + best]) best = c;
		out[r] = best;
	}
	return out;
}

// Tensor-free, so the prediction lane worker can decode outputs without tfjs.
export { softmaxRows } from './softmax-rows';
