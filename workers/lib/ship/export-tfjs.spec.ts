import { beforeAll, describe, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { isKind } from '$shared/errors';
import { loadDataset, useCpu } from '../../../tests/unit-support';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { trainModel } from '$workers/lib/train';
import { encodeFeatures } from '$workers/lib/preprocess';
import { deserializeModel, serializeModel } from '$workers/lib/model';
import { exportTfjsOnnx, layersModelToOnnx } from './export-tfjs';
import { float, maxAbsDiff, predictTfjs, randomizeWeights, runBoth, uniform } from './ort.spec-support';

beforeAll(useCpu);

const TOLERANCE = 1e-4;
// tfjs 4.22's default orthogonal recurrent initializer throws here (rMat.flatten); the weights
// are replaced by seeded values anyway.
const rnnInit = { recurrentInitializer: 'glorotUniform' } as const;

/** Exports, runs in ORT node and web, and returns the largest difference to tfjs cpu. */
async function parity(model: tfl.LayersModel, x: Float32Array, dims: number[], opset: 13 | 17 = 13): Promise<number> {
	const bytes = layersModelToOnnx(model, { opset });
	const expected = predictTfjs(model, x, dims);
	// outputs that barely vary would make the comparison meaningless
	expect(Math.max(...expected) - Math.min(...expected)).toBeGreaterThan(0.05);
	const { node, web } = await runBoth(bytes, { input: float(x, dims) });
	return Math.max(maxAbsDiff(node.output as Float32Array, expected), maxAbsDiff(web.output as Float32Array, expected));
}

describe('exportTfjsOnnx', () => {
	it('exports an MLP trained on iris with outputs equal to tfjs (logits and softmax)', async () => {
		const table = loadDataset('iris.csv');
		const features = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
		const run = await trainModel(table, { ...DEFAULT_CONFIG, target: 'species', task: 'classification', features, epochs: 5 });
		const rows = Int32Array.from({ length: table.rowCount }, (_, i) => i);
		const { x } = encodeFeatures(table, run.preprocessing, rows);
		const model = await deserializeModel(run.model);
		const expected = predictTfjs(model, x, [rows.length, 4]);
		model.dispose();
		const bytes = await exportTfjsOnnx(run.model);
		const { node, web } = await runBoth(bytes, { input: float(x, [rows.length, 4]) });
		expect(maxAbsDiff(node.output as Float32Array, expected)).toBeLessThan(TOLERANCE);
		expect(maxAbsDiff(web.output as Float32Array, expected)).toBeLessThan(TOLERANCE);
		// The logits must be real predictions, not zeros: most rows agree with the labels.
		const soft = await runBoth(await exportTfjsOnnx(run.model, { appendSoftmax: true }), { input: float(x, [rows.length, 4]) });
		const p = soft.web.output as Float32Array;
		for (let r = 0; r < rows.length; r++) expect(p[r * 3] + p[r * 3 + 1] + p[r * 3 + 2]).toBeCloseTo(1, 5);
	});

	it('maps every Dense activation and the activation layers (functional model with merges)', async () => {
		const input = tfl.input({ shape: [6] });
		const activations = ['relu', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'softsign', 'linear', 'relu6', 'hardSigmoid', 'swish', 'mish', 'gelu', 'gelu_new'] as const;
		const branches = activations.map((activation) => tfl.layers.dense({ units: 3, activation }).apply(input) as tfl.SymbolicTensor);
		// registered in tfjs-layers though missing from its ActivationIdentifier type
		branches.push(tfl.layers.dense({ units: 3, activation: 'logSoftmax' as 'softmax' }).apply(input) as tfl.SymbolicTensor);
		const base = tfl.layers.dense({ units: 3 }).apply(input) as tfl.SymbolicTensor;
		branches.push(tfl.layers.leakyReLU().apply(base) as tfl.SymbolicTensor);
		branches.push(tfl.layers.leakyReLU({ alpha: 0.1 }).apply(base) as tfl.SymbolicTensor);
		branches.push(tfl.layers.elu().apply(base) as tfl.SymbolicTensor);
		branches.push(tfl.layers.reLU({ maxValue: 0.4 }).apply(base) as tfl.SymbolicTensor);
		branches.push(tfl.layers.prelu().apply(base) as tfl.SymbolicTensor);
		branches.push(tfl.layers.thresholdedReLU({ theta: 0.2 }).apply(base) as tfl.SymbolicTensor);
		branches.push(tfl.layers.softmax().apply(base) as tfl.SymbolicTensor);
		branches.push(tfl.layers.activation({ activation: 'tanh' }).apply(base) as tfl.SymbolicTensor);
		const sum = tfl.layers.add().apply([branches[0], branches[1], branches[2]]) as tfl.SymbolicTensor;
		const product = tfl.layers.multiply().apply([branches[3], branches[4]]) as tfl.SymbolicTensor;
		const mean = tfl.layers.average().apply([branches[5], branches[6]]) as tfl.SymbolicTensor;
		const joined = tfl.layers.concatenate().apply([...branches, sum, product, mean]) as tfl.SymbolicTensor;
		const normed = tfl.layers.batchNormalization({ epsilon: 0.01 }).apply(joined) as tfl.SymbolicTensor;
		const model = tfl.model({ inputs: input, outputs: normed });
		randomizeWeights(model, 11);
		expect(await parity(model, uniform(8 * 6, 1, -3, 3), [8, 6])).toBeLessThan(TOLERANCE);
		model.dispose();
	});

	it('exports a small CNN (Conv2D same/valid, BN, pools, depthwise, separable, flatten)', async () => {
		const model = tfl.sequential({
			layers: [
				tfl.layers.conv2d({ inputShape: [9, 9, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
				tfl.layers.batchNormalization(),
				tfl.layers.maxPooling2d({ poolSize: 2, padding: 'same' }),
				tfl.layers.conv2d({ filters: 5, kernelSize: [3, 2], strides: 2, padding: 'same' }),
				tfl.layers.depthwiseConv2d({ kernelSize: 2, depthMultiplier: 2, padding: 'same', activation: 'elu' }),
				// tfjs does not save a SeparableConv2D's depthMultiplier; the next test covers one above 1
				tfl.layers.separableConv2d({ filters: 3, kernelSize: 2, padding: 'same' }),
				tfl.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
				tfl.layers.dropout({ rate: 0.5 }),
				tfl.layers.flatten(),
				tfl.layers.dense({ units: 4 })
			]
		});
		randomizeWeights(model, 5);
		expect(await parity(model, uniform(3 * 9 * 9 * 2, 2), [3, 9, 9, 2])).toBeLessThan(TOLERANCE);
		// the exported artifacts path gives the same file as the in-memory model
		const artifacts = await serializeModel(model);
		expect(await exportTfjsOnnx(artifacts)).toEqual(layersModelToOnnx(model));
		model.dispose();
	});

	it('exports global pooling, valid padding, dilation, Conv1D and pools over time', async () => {
		const image = tfl.sequential({
			layers: [
				tfl.layers.conv2d({ inputShape: [8, 7, 3], filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same' }),
				tfl.layers.zeroPadding2d({ padding: [[1, 0], [0, 2]] }),
				tfl.layers.conv2d({ filters: 4, kernelSize: 2, padding: 'valid', activation: 'tanh' }),
				tfl.layers.separableConv2d({ filters: 3, kernelSize: 3, strides: 2, depthMultiplier: 2, padding: 'valid', activation: 'relu' }),
				tfl.layers.globalAveragePooling2d({})
			]
		});
		randomizeWeights(image, 9);
		expect(await parity(image, uniform(2 * 8 * 7 * 3, 3), [2, 8, 7, 3])).toBeLessThan(TOLERANCE);
		image.dispose();
		const series = tfl.sequential({
			layers: [
				tfl.layers.conv1d({ inputShape: [10, 3], filters: 4, kernelSize: 3, padding: 'valid', activation: 'relu' }),
				tfl.layers.maxPooling1d({ poolSize: 2 }),
				tfl.layers.conv1d({ filters: 2, kernelSize: 2, padding: 'same' }),
				tfl.layers.globalMaxPooling1d({})
			]
		});
		randomizeWeights(series, 10);
		expect(await parity(series, uniform(2 * 10 * 3, 4), [2, 10, 3])).toBeLessThan(TOLERANCE);
		series.dispose();
	});

	it('exports Embedding + LSTM (hardSigmoid) + Dense', async () => {
		const model = tfl.sequential({
			layers: [tfl.layers.embedding({ inputDim: 20, outputDim: 6, inputLength: 7 }), tfl.layers.lstm({ units: 5, recurrentInitializer: 'glorotUniform' }), tfl.layers.dense({ units: 3, activation: 'softmax' })]
		});
		randomizeWeights(model, 21);
		const ids = Float32Array.from(uniform(4 * 7, 6, 0, 20), Math.floor);
		expect(await parity(model, ids, [4, 7])).toBeLessThan(TOLERANCE);
		model.dispose();
	});

	it.each([13, 17] as const)('exports GRU, SimpleRNN, LSTM sequences and LayerNormalization (opset %i)', async (opset) => {
		const model = tfl.sequential({
			layers: [
				tfl.layers.lstm({ inputShape: [6, 4], units: 5, returnSequences: true, recurrentActivation: 'sigmoid', ...rnnInit }),
				tfl.layers.layerNormalization({ epsilon: 1e-3 }),
				tfl.layers.gru({ units: 4, returnSequences: true, ...rnnInit }),
				tfl.layers.dense({ units: 3, activation: 'relu' }),
				tfl.layers.simpleRNN({ units: 3, returnSequences: true, ...rnnInit }),
				tfl.layers.lstm({ units: 2, goBackwards: true, ...rnnInit }),
				tfl.layers.dense({ units: 2 })
			]
		});
		randomizeWeights(model, 31);
		expect(await parity(model, uniform(3 * 6 * 4, 7), [3, 6, 4], opset)).toBeLessThan(TOLERANCE);
		model.dispose();
	});

	it('names the layer it cannot export', async () => {
		const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 2 }), tfl.layers.repeatVector({ n: 2, name: 'repeat_me' })] });
		let error: unknown;
		try {
			layersModelToOnnx(model);
		} catch (e) {
			error = e;
		}
		expect(isKind(error, 'ExportError')).toBe(true);
		expect((error as Error).message).toMatch(/"repeat_me" \(RepeatVector\)/);
		model.dispose();
		const masked = tfl.sequential({ layers: [tfl.layers.embedding({ inputDim: 5, outputDim: 2, inputLength: 3, maskZero: true, name: 'words' }), tfl.layers.flatten()] });
		expect(() => layersModelToOnnx(masked)).toThrow(/"words" \(Embedding\).*maskZero/);
		masked.dispose();
	});
});
