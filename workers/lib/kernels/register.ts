import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, batchNormTrain, batchNormTrainGrad } from './batch-norm';
import { conv2dBackpropFilter, conv2dBackpropInput } from './conv-grads';
import { depthwiseBackpropFilter, depthwiseBackpropInput } from './depthwise-grads';
import { fastSlice, fastStridedSlice, fastTile } from './copy-kernels';
import { fastBatchMatMul } from './mat-mul';
import { maxPoolGrad } from './pool-grads';
import { leadingReduce } from './reduce';
import { RELU_POOL_GRAD, reluPoolGrad } from './relu-pool-grad';
import { unsortedSegmentSum } from './segment-sum';
import { sharedIdentity } from './shared-identity';
import { gatherRows } from './gather-rows';

const BACKEND = 'wasm';

/** Kernels tfjs-backend-wasm 4.22 lacks: without them conv, depthwise and embedding models cannot train on wasm. */
const MISSING: Record<string, KernelFunc> = {
	Conv2DBackpropFilter: conv2dBackpropFilter,
	DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilter,
	DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInput,
	UnsortedSegmentSum: unsortedSegmentSum
};

/** Kiln's own fused kernels, used by the vision training step on wasm (see vision/fast-forward.ts). */
const FUSED: Record<string, KernelFunc> = {
	[RELU_POOL_GRAD]: reluPoolGrad,
	[BATCH_NORM_TRAIN]: batchNormTrain,
	[BATCH_NORM_TRAIN_GRAD]: batchNormTrainGrad
};

/** Kernels wasm has but runs in a scalar loop; replaced by versions that reach XNNPACK. */
const SLOW: Record<string, (original: KernelConfig) => KernelConfig> = {
	Conv2DBackpropInput: (original) => ({ ...original, kernelFunc: conv2dBackpropInput }),
	MaxPoolGrad: (original) => ({ ...original, kernelFunc: maxPoolGrad }),
	BatchMatMul: fastBatchMatMul,
	Tile: fastTile,
	StridedSlice: fastStridedSlice,
	Slice: fastSlice,
	Sum: (original) => leadingReduce(original, false),
	Mean: (original) => leadingReduce(original, true),
	Identity: sharedIdentity,
	GatherV2: gatherRows
};

const ours = new WeakSet<KernelFunc>();

/**
 * Register Kiln's kernels for the 'wasm' backend only; the cpu, webgl and webgpu backends keep
 * their own. Safe to call any number of times and before or after the wasm backend starts (a
 * replaced kernel keeps the original's setup, which the engine runs when wasm initialises).
 * Returns the names of the kernels registered by this call.
 */
export function registerWasmKernels(): string[] {
	const added: string[] = [];
	for (const [kernelName, kernelFunc] of Object.entries({ ...MISSING, ...FUSED })) {
		const current = tf.getKernel(kernelName, BACKEND);
		if (current && ours.has(current.kernelFunc)) continue;
		// A later tfjs may ship its own; keep it rather than override.
		if (current) continue;
		ours.add(kernelFunc);
		tf.registerKernel({ kernelName, backendName: BACKEND, kernelFunc });
		added.push(kernelName);
	}
	for (const [kernelName, replace] of Object.entries(SLOW)) {
		const current = tf.getKernel(kernelName, BACKEND);
		// Not registered means tfjs-backend-wasm is not loaded; its registration would come later.
		if (!current || ours.has(current.kernelFunc)) continue;
		const replacement = replace(current);
		ours.add(replacement.kernelFunc);
		tf.unregisterKernel(kernelName, BACKEND);
		tf.registerKernel(replacement);
		added.push(kernelName);
	}
	return added;
}
