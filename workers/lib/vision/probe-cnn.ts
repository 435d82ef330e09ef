import * as tf from '@tensorflow/tfjs-core';
import type { ProbeRunner } from '$workers/lib/backend-probe';
import { shapeSignature } from '$workers/lib/backend-probe';
import { buildCnn, summarizeCnn } from './cnn';
import { toFloatImages } from './evaluate';
import { makeCnnStep } from './train-step';
import type { CnnSpec } from './types';

/** What the `auto` probe keys a scratch CNN by: its spec (layers, input, classes) and batch size. */
export function cnnSignature(spec: CnnSpec, batchSize: number): { signature: string; model: string } {
	const { height, width, channels } = spec.input;
	const params = summarizeCnn(spec).params;
	return {
		signature: shapeSignature('cnn', spec, batchSize),
		model: `a CNN on ${height}×${width}×${channels} images (${spec.layers.length} layers, ${params.toLocaleString('en')} weights, ${spec.classes} classes, batch ${batchSize})`
	};
}

/**
 * The CNN as training builds it, on the active backend, stepping on one real batch of images
 * (the step is the one training takes: fused blocks on wasm, autodiff elsewhere).
 */
export function cnnProbeRunner(spec: CnnSpec, batch: { pixels: Uint8Array; labels: ArrayLike<number> }, options: { lr: number; seed: number }): ProbeRunner {
	const model = buildCnn(spec, options.seed);
	const optimizer = tf.train.adam(options.lr);
	const step = makeCnnStep(model, optimizer, spec.classes);
	const x = toFloatImages(batch.pixels);
	return {
		async step() {
			const loss = step(x, batch.labels);
			try {
				await loss.data();
			} finally {
				loss.dispose();
			}
		},
		dispose() {
			optimizer.dispose();
			model.dispose();
		}
	};
}
