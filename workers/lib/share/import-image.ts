import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ModelArtifacts } from '$workers/protocol';
import type { ImageFront } from './media-types';
import { runtime } from './runtime';
import { artifactsFromDescription } from './to-artifacts';
import type { ModelDescription } from './types';

/**
 * An image link (conv front + dense head) back as a tfjs Sequential model of Kiln's image runs:
 * float32 [N, H, W, C] pixels / 255 in, class logits out. A separable conv travels in a link as
 * depthwise + 1×1 conv and comes back as those two layers (same outputs). int8 kernels are
 * dequantised.
 */
export function imageArtifactsFromShare(front: ImageFront, head: ModelDescription): Promise<ModelArtifacts> {
	return artifactsFromDescription(head, (seq, weights) => {
		let c = front.channels;
		const place = () => (seq.layers.length === 0 ? { inputShape: [front.height, front.width, front.channels] } : {});
		for (const l of front.layers) {
			switch (l.type) {
				case 'conv': {
					const layer = tfl.layers.conv2d({ filters: l.filters, kernelSize: [l.kh, l.kw], strides: [l.sh, l.sw], padding: l.padding, activation: l.activation, useBias: !!l.bias, ...place() });
					seq.add(layer);
					weights.push([layer, [tf.tensor4d(runtime.dequantize(l.kernel, l.filters), [l.kh, l.kw, c, l.filters]), ...(l.bias ? [tf.tensor1d(l.bias)] : [])]]);
					c = l.filters;
					break;
				}
				case 'depthwise': {
					const layer = tfl.layers.depthwiseConv2d({ kernelSize: [l.kh, l.kw], depthMultiplier: l.multiplier, strides: [l.sh, l.sw], padding: l.padding, activation: l.activation, useBias: !!l.bias, ...place() });
					seq.add(layer);
					const out = c * l.multiplier;
					weights.push([layer, [tf.tensor4d(runtime.dequantize(l.kernel, out), [l.kh, l.kw, c, l.multiplier]), ...(l.bias ? [tf.tensor1d(l.bias)] : [])]]);
					c = out;
					break;
				}
				case 'maxPool':
				case 'avgPool': {
					const args = { poolSize: [l.ph, l.pw] as [number, number], strides: [l.sh, l.sw] as [number, number], padding: l.padding, ...place() };
					seq.add(l.type === 'maxPool' ? tfl.layers.maxPooling2d(args) : tfl.layers.averagePooling2d(args));
					break;
				}
				case 'batchnorm': {
					const layer = tfl.layers.batchNormalization({ axis: -1, epsilon: l.epsilon, center: !!l.beta, scale: !!l.gamma, ...place() });
					seq.add(layer);
					weights.push([layer, [...(l.gamma ? [l.gamma] : []), ...(l.beta ? [l.beta] : []), l.mean, l.variance].map((t) => tf.tensor1d(t))]);
					break;
				}
				case 'activation':
					seq.add(tfl.layers.activation({ activation: l.activation, ...place() }));
					break;
				case 'flatten':
					seq.add(tfl.layers.flatten(place()));
					break;
				case 'globalAvgPool':
					seq.add(tfl.layers.globalAveragePooling2d(place()));
					break;
			}
		}
	});
}
