import type { InferenceSession } from 'onnxruntime-web';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ImageShapeInfo, ModelArtifacts, OnnxCheck } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { deserializeModel } from '$workers/lib/model';
import { exportTfjsOnnx, graphSignature, SUPPORTED_LAYERS, type OrtRuntime } from '$workers/lib/ship';
import { DataType, decodeModel, GraphBuilder } from '$workers/lib/ship/onnx-builder';
import { embedModel } from '$workers/lib/ship/onnx-compose';
import { predictProbabilities } from '$workers/lib/vision/evaluate';

/**
 * An image run's model as an ONNX file a person takes away: uint8 pixels in (NHWC, as Kiln
 * stores them), the /255 scaling, the CNN, softmax and the class name out — checked in
 * onnxruntime against the tfjs model on the run's holdout images before it is offered. What the
 * graph cannot say (how an arbitrary picture becomes those pixels) goes in a JSON sidecar.
 */

export interface ImageRunModel {
	artifacts: ModelArtifacts;
	image: ImageShapeInfo;
	classes: string[];
}

/** How to turn a picture into the graph's input; written beside the .onnx file. */
export interface ImageSidecar {
	format: 'kiln-image-preprocessing';
	version: 1;
	/** The ONNX file takes uint8 `pixels` and scales them itself; the tfjs model takes scaled floats. */
	model: 'onnx' | 'tfjs';
	input: { name: string; dtype: 'uint8' | 'float32'; layout: 'NHWC'; shape: ['N', number, number, number] };
	image: { height: number; width: number; channels: number; colour: 'grayscale' | 'rgb' };
	resize: string;
	grayscale?: string;
	scaling: { divideBy: 255; range: [0, 1]; insideModel: boolean };
	classes: string[];
	outputs: Record<string, string>;
}

export function imageSidecar(model: ImageRunModel, form: 'onnx' | 'tfjs' = 'onnx'): ImageSidecar {
	const { height, width, channels } = model.image;
	const onnx = form === 'onnx';
	return {
		format: 'kiln-image-preprocessing',
		version: 1,
		model: form,
		input: { name: onnx ? 'pixels' : 'image', dtype: onnx ? 'uint8' : 'float32', layout: 'NHWC', shape: ['N', height, width, channels] },
		image: { height, width, channels, colour: channels === 1 ? 'grayscale' : 'rgb' },
		resize: `Crop the centre square of the picture, draw it onto a white ${width}×${height} canvas (bilinear), and take the bytes row by row.`,
		...(channels === 1 ? { grayscale: 'luma = round(0.299 R + 0.587 G + 0.114 B)' } : {}),
		scaling: { divideBy: 255, range: [0, 1], insideModel: onnx },
		classes: model.classes,
		outputs: onnx ? { probabilities: 'float32 [N, classes], softmax of the logits', label_index: 'int64 [N]', label: 'string [N], the class name' } : { logits: 'float32 [N, classes]: apply softmax; the class is classes[argmax]' }
	};
}

/**
 * Refuse a model with a layer the exporter cannot write, naming the layer, before any work.
 * (Every layer Kiln's CNN presets and the transfer backbone use — Conv2D, DepthwiseConv2D,
 * SeparableConv2D, BatchNormalization, pooling, Dropout, Flatten, Dense — is mapped.)
 */
export function unexportableLayers(model: tfl.LayersModel): string[] {
	const supported = new Set([...SUPPORTED_LAYERS, 'InputLayer']);
	return model.layers.filter((l) => !supported.has(l.getClassName())).map((l) => `${l.name} (${l.getClassName()})`);
}

export async function checkExportable(artifacts: ModelArtifacts): Promise<void> {
	const model = await deserializeModel(artifacts);
	try {
		const bad = unexportableLayers(model);
		if (bad.length) throw new KilnError('ExportError', `This image model cannot be exported to ONNX: Kiln has no ONNX mapping for layer ${bad.join(', ')}.`);
	} finally {
		model.dispose();
	}
}

/** The CNN alone: float images in [0, 1], NHWC, named `image`; logits out. */
export function imageModelOnnx(artifacts: ModelArtifacts): Promise<Uint8Array> {
	return exportTfjsOnnx(artifacts, { inputNames: ['image'], outputNames: ['logits'] });
}

/** uint8 pixels → label: scaling, the model (`onnx`, e.g. an int8 variant of it) and decoding. */
export async function imagePipelineOnnx(model: ImageRunModel, onnx?: Uint8Array): Promise<Uint8Array> {
	const inner = onnx ?? (await imageModelOnnx(model.artifacts));
	const signature = graphSignature(decodeModel(inner));
	const input = signature.inputs[0];
	const { height, width, channels } = model.image;
	const dims = input?.dims ?? [];
	if (signature.inputs.length !== 1 || dims.length !== 4 || dims[1] !== height || dims[2] !== width || dims[3] !== channels) {
		throw new KilnError('ExportError', `The model takes [${dims.join(', ')}], not ${height}×${width}×${channels} images.`);
	}
	const g = new GraphBuilder(13);
	['probabilities', 'label_index', 'label'].forEach((name) => g.claimOutput(name));
	const pixels = g.input('pixels', DataType.UINT8, ['N', height, width, channels]);
	const scaled = g.node('Div', [g.node('Cast', [pixels], { to: { i: DataType.FLOAT } }), g.float('pixel_max', [255], [])]);
	const logits = embedModel(g, inner, 'model/', { [input.name]: scaled })[signature.outputs[0].name];
	const probabilities = g.node('Softmax', [logits], { axis: { i: -1 } });
	const index = g.node('ArgMax', [probabilities], { axis: { i: 1 }, keepdims: { i: 0 } });
	g.output(probabilities, 'probabilities', DataType.FLOAT, ['N', model.classes.length]);
	g.output(index, 'label_index', DataType.INT64, ['N']);
	g.output(g.node('Gather', [g.strings('classes', model.classes), index], { axis: { i: 0 } }), 'label', DataType.STRING, ['N']);
	return g.encode('image_pipeline', 'Kiln image pipeline: uint8 pixels, /255, CNN, softmax, class name.');
}

/** Probabilities and labels of `count` images (uint8 NHWC) from a pipeline session, in slices. */
export async function runImagePipeline(ort: OrtRuntime, session: InferenceSession, image: ImageShapeInfo, pixels: Uint8Array, count: number, slice = 256): Promise<{ probabilities: Float32Array; labels: string[] }> {
	const size = image.height * image.width * image.channels;
	if (pixels.length !== count * size) throw new KilnError('ValidationError', `Expected ${count} images of ${size} bytes, got ${pixels.length} bytes.`);
	const parts: Float32Array[] = [];
	const labels: string[] = [];
	for (let start = 0; start < count; start += slice) {
		const n = Math.min(slice, count - start);
		const feed = new ort.Tensor('uint8', pixels.slice(start * size, (start + n) * size), [n, image.height, image.width, image.channels]);
		const out = await session.run({ pixels: feed }, ['probabilities', 'label']);
		parts.push(out.probabilities.data as Float32Array);
		labels.push(...(out.label.data as string[]));
	}
	const probabilities = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
	parts.reduce((offset, p) => (probabilities.set(p, offset), offset + p.length), 0);
	return { probabilities, labels };
}

/**
 * Run `pipeline` in `ort` on the holdout images and compare with the tfjs model: the largest
 * probability difference, and on how many images both give the same label.
 */
export async function checkImageOnnx(ort: OrtRuntime, pipeline: Uint8Array, model: ImageRunModel, pixels: Uint8Array, count: number, runtime: string): Promise<OnnxCheck> {
	if (count === 0) throw new KilnError('ExportError', 'This run has no holdout images to check the ONNX file on.');
	const session: InferenceSession = await ort.InferenceSession.create(pipeline);
	let got: { probabilities: Float32Array; labels: string[] };
	try {
		got = await runImagePipeline(ort, session, model.image, pixels, count);
	} finally {
		await session.release();
	}
	const tfModel = await deserializeModel(model.artifacts);
	let want: Float32Array;
	try {
		want = await predictProbabilities(tfModel, pixels, count);
	} finally {
		tfModel.dispose();
	}
	if (want.length !== got.probabilities.length) throw new KilnError('ExportError', `The ONNX file gives ${got.probabilities.length} values for ${count} images; the tfjs model gives ${want.length}.`);
	const width = model.classes.length;
	let maxAbsDiff = 0;
	let agreed = 0;
	for (let r = 0; r < count; r++) {
		let best = 0;
		for (let c = 0; c < width; c++) {
			maxAbsDiff = Math.max(maxAbsDiff, Math.abs(want[r * width + c] - got.probabilities[r * width + c]));
			if (want[r * width + c] > want[r * width + best]) best = c;
		}
		if (model.classes[best] === got.labels[r]) agreed++;
	}
	if (!Number.isFinite(maxAbsDiff)) maxAbsDiff = Infinity;
	return { runtime, rows: count, compared: 'probabilities', maxAbsDiff, agreed };
}
