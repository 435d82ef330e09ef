import * as ortWeb from 'onnxruntime-web';
import * as ortNode from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { useWasm } from '$workers/lib/kernels/wasm.spec-support';
import { serializeModel } from '$workers/lib/model';
import { quantizeOnnxWeights, type OrtRuntime } from '$workers/lib/ship';
import { randomizeWeights } from '$workers/lib/ship/ort.spec-support';
import { BACKBONE_SPEC } from '$workers/lib/vision/backbone';
import { buildCnn } from '$workers/lib/vision/cnn';
import { cnnPreset } from '$workers/lib/vision/presets';
import { loadImageSet, trainAndTest } from '$workers/lib/vision/vision.spec-support';
import { trainedFashionCnn } from './image-ship.spec-support';
import { checkExportable, checkImageOnnx, imageModelOnnx, imagePipelineOnnx, imageSidecar, type ImageRunModel } from './image-export';

ortWeb.env.wasm.numThreads = 1;
ortWeb.env.logLevel = 'error';
const web = ortWeb as unknown as OrtRuntime;
const node = ortNode as unknown as OrtRuntime;

beforeAll(useWasm);

const fashion = () => {
	const set = loadImageSet('fashion-mnist-22k.kimg.gz');
	return { set, ...trainAndTest(set, 300, 120) };
};

async function holdoutPixels(source: ReturnType<typeof fashion>['source'], rows: Int32Array) {
	return source.getBatch(rows);
}

describe('ONNX export of an image run', () => {
	it('a small CNN trained on fashion-mnist: the uint8 pipeline gives the tfjs probabilities in onnxruntime-node and -web', async () => {
		const { source, testRows, trained, model } = await trainedFashionCnn();
		// trained for real: well above chance (0.1) on 200 held-out images
		expect(trained.metrics!.accuracy).toBeGreaterThan(0.6);
		const pipeline = await imagePipelineOnnx(model);
		const pixels = await holdoutPixels(source, testRows);
		for (const [ort, name] of [[node, 'node'], [web, 'web']] as const) {
			const check = await checkImageOnnx(ort, pipeline, model, pixels, testRows.length, name);
			expect(check.rows).toBe(200);
			expect(check.maxAbsDiff).toBeLessThan(1e-4);
			expect(check.agreed).toBe(200);
		}
		// int8 weights inside the same pipeline: smaller, still nearly the same labels
		const int8 = await imagePipelineOnnx(model, quantizeOnnxWeights(await imageModelOnnx(model.artifacts)));
		const q = await checkImageOnnx(web, int8, model, pixels, testRows.length, 'web');
		expect(q.maxAbsDiff).toBeGreaterThan(0);
		expect(q.agreed / q.rows).toBeGreaterThanOrEqual(0.9);
	});

	it('MobileNet-style (depthwise conv + batch-norm) and the transfer backbone export within 1e-4', async () => {
		const { set, source, testRows } = fashion();
		const pixels = await holdoutPixels(source, testRows.subarray(0, 40));
		for (const spec of [cnnPreset('mobilenet', set.shape, 10), { ...BACKBONE_SPEC, classes: 4 }]) {
			const net = buildCnn(spec, 3);
			randomizeWeights(net, 11); // batch-norm statistics far from 0 / 1, so a wrong fold shows
			const artifacts = await serializeModel(net);
			net.dispose();
			const classes = Array.from({ length: spec.classes }, (_, i) => `class ${i}`);
			const model: ImageRunModel = { artifacts, image: set.shape, classes };
			await checkExportable(artifacts);
			const check = await checkImageOnnx(node, await imagePipelineOnnx(model), model, pixels, 40, 'node');
			expect(check.maxAbsDiff).toBeLessThan(1e-4);
			expect(check.agreed).toBe(40);
		}
	});

	it('refuses a layer without an ONNX mapping by name, and writes the pre-processing sidecar', async () => {
		const net = tfl.sequential({ layers: [tfl.layers.upSampling2d({ name: 'grow', inputShape: [4, 4, 1], size: [2, 2] }), tfl.layers.flatten(), tfl.layers.dense({ units: 2 })] });
		const artifacts = await serializeModel(net);
		net.dispose();
		await expect(checkExportable(artifacts)).rejects.toThrow(/grow \(UpSampling2D\)/);
		const sidecar = imageSidecar({ artifacts, image: { height: 28, width: 28, channels: 1 }, classes: ['a', 'b'] });
		expect(sidecar.input).toEqual({ name: 'pixels', dtype: 'uint8', layout: 'NHWC', shape: ['N', 28, 28, 1] });
		expect(sidecar.scaling).toEqual({ divideBy: 255, range: [0, 1], insideModel: true });
		const tfjs = imageSidecar({ artifacts, image: { height: 32, width: 32, channels: 3 }, classes: ['a'] }, 'tfjs');
		expect(tfjs.input).toEqual({ name: 'image', dtype: 'float32', layout: 'NHWC', shape: ['N', 32, 32, 3] });
		expect(tfjs.scaling.insideModel).toBe(false);
		expect(tfjs.image.colour).toBe('rgb');
		expect(sidecar.image.colour).toBe('grayscale');
		expect(sidecar.classes).toEqual(['a', 'b']);
	});
});
