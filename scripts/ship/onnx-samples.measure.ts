// Writes one ONNX file per exporter and option into KILN_ONNX_DIR (default /tmp/kiln-onnx), for
// scripts/ship/check-onnx.py to validate with the reference checker. Not a test.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadDataset, useCpu } from '../../tests/unit-support';
import { DEFAULT_CONFIG, trainModel } from '$workers/lib/train';
import { layersModelToOnnx, exportTfjsOnnx } from '$workers/lib/ship/export-tfjs';
import { exportLinearOnnx } from '$workers/lib/ship/export-linear';
import { exportTreesOnnx } from '$workers/lib/ship/export-trees';
import { exportPipelineOnnx, exportPreprocessingOnnx } from '$workers/lib/ship/preprocess-onnx';
import { quantizeOnnxWeights } from '$workers/lib/ship/quantize-onnx';
import { quantizeOnnxStatic } from '$workers/lib/ship/quantize-onnx-static';
import type { OrtRuntime, TreeEnsemble } from '$workers/lib/ship/types';
import { RUNTIMES, randomizeWeights, uniform } from '$workers/lib/ship/ort.spec-support';

const dir = process.env.KILN_ONNX_DIR ?? '/tmp/kiln-onnx';
const rnn = { recurrentInitializer: 'glorotUniform' } as const;

it('writes sample ONNX files', async () => {
	await useCpu();
	mkdirSync(dir, { recursive: true });
	const write = (name: string, bytes: Uint8Array) => writeFileSync(join(dir, `${name}.onnx`), bytes);

	const penguins = loadDataset('penguins.csv');
	const features = ['island', 'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'sex'];
	const run = await trainModel(penguins, { ...DEFAULT_CONFIG, target: 'species', task: 'classification', features, epochs: 5 });
	const mlp = await exportTfjsOnnx(run.model);
	write('mlp', mlp);
	write('mlp-softmax', await exportTfjsOnnx(run.model, { appendSoftmax: true }));
	write('mlp-int8', quantizeOnnxWeights(mlp, { minElements: 1 }));
	const x = new Float32Array(64 * run.preprocessing.inputSize).map((_, i) => Math.sin(i));
	write('mlp-qdq', await quantizeOnnxStatic(mlp, [{ input: { type: 'float32', data: x, dims: [64, run.preprocessing.inputSize] } }], RUNTIMES.web as unknown as OrtRuntime));
	write('preprocessing', exportPreprocessingOnnx(run.preprocessing));
	write('pipeline-mlp', exportPipelineOnnx(run.preprocessing, mlp));

	const models: [string, tfl.LayersModel, 13 | 17][] = [
		['cnn', tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [9, 9, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }), tfl.layers.batchNormalization(), tfl.layers.maxPooling2d({ poolSize: 2, padding: 'same' }), tfl.layers.depthwiseConv2d({ kernelSize: 2, depthMultiplier: 2 }), tfl.layers.separableConv2d({ filters: 3, kernelSize: 2, padding: 'same' }), tfl.layers.averagePooling2d({ poolSize: 2 }), tfl.layers.flatten(), tfl.layers.dense({ units: 4 })] }), 13],
		['cnn-global', tfl.sequential({ layers: [tfl.layers.zeroPadding2d({ inputShape: [8, 8, 1], padding: [[1, 1], [1, 1]] }), tfl.layers.conv2d({ filters: 4, kernelSize: 3, dilationRate: 2 }), tfl.layers.globalAveragePooling2d({}), tfl.layers.dense({ units: 2, activation: 'softmax' })] }), 13],
		['conv1d', tfl.sequential({ layers: [tfl.layers.conv1d({ inputShape: [10, 3], filters: 4, kernelSize: 3 }), tfl.layers.maxPooling1d({ poolSize: 2 }), tfl.layers.globalMaxPooling1d({})] }), 13],
		['embedding-lstm', tfl.sequential({ layers: [tfl.layers.embedding({ inputDim: 20, outputDim: 6, inputLength: 7 }), tfl.layers.lstm({ units: 5, ...rnn }), tfl.layers.dense({ units: 3 })] }), 13],
		['rnn-stack-opset13', tfl.sequential({ layers: [tfl.layers.lstm({ inputShape: [6, 4], units: 5, returnSequences: true, ...rnn }), tfl.layers.layerNormalization(), tfl.layers.gru({ units: 4, returnSequences: true, ...rnn }), tfl.layers.simpleRNN({ units: 3, ...rnn })] }), 13],
		['rnn-stack-opset17', tfl.sequential({ layers: [tfl.layers.lstm({ inputShape: [6, 4], units: 5, returnSequences: true, ...rnn }), tfl.layers.layerNormalization(), tfl.layers.gru({ units: 4, ...rnn })] }), 17]
	];
	for (const [name, model, opset] of models) {
		randomizeWeights(model, 1);
		const bytes = layersModelToOnnx(model, { opset });
		write(name, bytes);
		write(`${name}-int8`, quantizeOnnxWeights(bytes, { minElements: 1 }));
		model.dispose();
	}
	const input = tfl.input({ shape: [5] });
	const acts = (['relu', 'sigmoid', 'tanh', 'elu', 'selu', 'softplus', 'softsign', 'relu6', 'hardSigmoid', 'swish', 'mish', 'gelu', 'gelu_new', 'softmax'] as const).map((activation) => tfl.layers.dense({ units: 2, activation }).apply(input) as tfl.SymbolicTensor);
	const functional = tfl.model({ inputs: input, outputs: tfl.layers.concatenate().apply([...acts, tfl.layers.add().apply([acts[0], acts[1]]) as tfl.SymbolicTensor, tfl.layers.leakyReLU().apply(acts[2]) as tfl.SymbolicTensor]) as tfl.SymbolicTensor });
	write('activations', layersModelToOnnx(functional));
	functional.dispose();

	const coef = uniform(12, 2);
	write('linear-classifier', exportLinearOnnx(coef, [0, 0.1, -0.1], 'classification'));
	write('linear-binary', exportLinearOnnx(coef.subarray(0, 4), [0.2], 'classification'));
	write('linear-regression', exportLinearOnnx(coef, [0, 0.1, -0.1], 'regression'));
	const leaf = (value: number[]) => ({ feature: -1, threshold: 0, left: -1, right: -1, missingGoesLeft: false, value });
	const tree = (width: number) => ({ nodes: [{ feature: 1, threshold: 0.5, left: 1, right: 2, missingGoesLeft: true }, leaf(new Array(width).fill(0.2)), leaf(new Array(width).fill(0).map((_, i) => i))] });
	const trees = (classes: string[] | undefined): TreeEnsemble => ({ task: classes ? 'classification' : 'regression', classes, featureCount: 4, aggregate: 'sum', postTransform: classes ? 'softmax' : 'none', trees: [tree(classes?.length ?? 1), tree(classes?.length ?? 1)] });
	write('trees-classifier', exportTreesOnnx(trees(['a', 'b', 'c'])));
	write('trees-binary', exportTreesOnnx(trees(['no', 'yes'])));
	write('trees-regressor', exportTreesOnnx(trees(undefined)));
	console.info(`wrote samples to ${dir}`);
});
