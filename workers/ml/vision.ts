import * as Comlink from 'comlink';
import type * as tfl from '@tensorflow/tfjs-layers';
import { assertNotEditedSince, getCheckpoint, getDataset, getModel, getRun, imageMeta, readImageLabels, readImageRows, saveCheckpoint } from '$lib/db';
import { errorMessage, KilnError } from '$shared/errors';
import { registerWasmKernels } from '../lib/kernels/register';
import { deserializeModel } from '../lib/model';
import { predictProbabilities, topK } from '../lib/vision/evaluate';
import { confusedPairs, gradCam, saliency, type HeatMaps } from '../lib/vision/explain';
import type { CnnTrainResult } from '../lib/vision/types';
import type { DatasetRecord } from '$lib/db';
import type { BackendName, BackendProbe, ConfusedExamples, ImageDatasetMeta, TrainConfig, ImagePrediction, TrainResult, VisionMlApi } from '../protocol';
import { decodeImage } from '../data/decode-image';
import { ensureBackend } from './backend';
import { trainingBackend, type ProbeSubject } from './auto-backend';
import { cnnProbeRunner, cnnSignature } from '../lib/vision/probe-cnn';
import { transferProbeRunner, transferSignature } from '../lib/vision/probe-transfer';
import { cnnPreset, withDropout } from '../lib/vision/presets';
import { imageSplit, validationRows } from './vision-split';
import { fitImages, imageData } from './image-fit';

/** A closed tab loses at most this much training. */
const CHECKPOINT_MS = 2000;

async function start(onEvent: Parameters<VisionMlApi['trainImages']>[1], subject: ProbeSubject | null): Promise<{ backend: BackendName; probe?: BackendProbe }> {
	const { backend, note, probe } = await trainingBackend(subject, onEvent);
	// wasm lacks some conv gradients; Kiln's kernels (and fused conv blocks) fill them in.
	if (backend === 'wasm') registerWasmKernels();
	onEvent({ type: 'backend', backend, note });
	if (note) onEvent({ type: 'log', message: note });
	return { backend, probe };
}

/** A scratch CNN as the `auto` probe times it: the run's own network on its first batch of training images. */
async function cnnProbeSubject(record: DatasetRecord, meta: ImageDatasetMeta, train: Int32Array, config: TrainConfig): Promise<ProbeSubject> {
	const vision = config.vision!;
	const spec = withDropout(cnnPreset(vision.preset, { height: meta.height, width: meta.width, channels: meta.channels }, meta.classes.length), vision.dropout);
	// A run with fewer images than a batch trains on smaller batches: time (and key) what it will run.
	const size = Math.min(config.batchSize, train.length);
	const batch = await readImageRows(record, train.subarray(0, size));
	return { ...cnnSignature(spec, size), build: () => cnnProbeRunner(spec, batch, { lr: config.learningRate, seed: config.seed }) };
}

/** A transfer run as the probe times it: embedding, a head step and (when fine-tuning) a last-block step on its first batch. */
async function transferProbeSubject(record: DatasetRecord, meta: ImageDatasetMeta, train: Int32Array, config: TrainConfig): Promise<ProbeSubject | null> {
	// Other shapes are refused by fitImages with a clear message; no probe before that.
	if (meta.height !== 28 || meta.width !== 28 || meta.channels !== 1) return null;
	const fineTune = (config.vision?.fineTuneEpochs ?? 0) > 0;
	const size = Math.min(config.batchSize, train.length);
	const batch = await readImageRows(record, train.subarray(0, size));
	return { ...transferSignature(meta.classes.length, size, fineTune), build: () => transferProbeRunner(meta.classes.length, batch, { lr: config.learningRate, seed: config.seed, fineTune }) };
}

let cached: { modelId: string; model: tfl.LayersModel } | null = null;

async function modelFor(modelId: string, artifacts: Parameters<typeof deserializeModel>[0]): Promise<tfl.LayersModel> {
	if (cached?.modelId !== modelId) {
		cached?.model.dispose();
		cached = { modelId, model: await deserializeModel(artifacts) };
	}
	return cached.model;
}

export const visionHandlers: VisionMlApi = {
	async trainImages({ runId, datasetId, config, resume, backboneUrl }, onEvent) {
		const vision = config.vision;
		if (!vision) throw new KilnError('TrainingError', 'This run has no image settings.');
		const record = await getDataset(datasetId);
		const { meta, labels } = await imageData(record);
		const shape = { height: meta.height, width: meta.width, channels: meta.channels };
		const split = imageSplit(labels, meta.classes.length, { seed: config.seed, holdoutFraction: config.holdoutFraction, testStart: meta.testStart, maxTrain: vision.maxTrainImages });
		const holdout = split.holdout;
		// The curves score validation rows carved from the training rows, as a table's do, and the
		// holdout is scored once at the end. A run stored with no validation share (before session
		// 21) scored its curves on the holdout; it resumes that way, on the same rows.
		const { train, validation } = config.validationFraction > 0 ? validationRows(split.train, labels, meta.classes.length, config.validationFraction, config.seed, { optional: true }) : { train: split.train, validation: holdout };
		const { backend, probe } = await start(onEvent, vision.mode === 'transfer' ? await transferProbeSubject(record, meta, train, config) : await cnnProbeSubject(record, meta, train, config));
		const checkpoint = resume && vision.mode !== 'transfer' ? (await getCheckpoint(runId)).checkpoint : undefined;
		const result: CnnTrainResult = await fitImages({
			record,
			meta,
			labels,
			config,
			train,
			validation,
			scored: holdout,
			backboneUrl,
			onEvent,
			checkpoints: {
				resume: checkpoint,
				checkpointInterval: CHECKPOINT_MS,
				onCheckpoint: async (c) => {
					// A failed checkpoint write (a full disk) must not stop training; the page says so.
					try {
						await saveCheckpoint(runId, c);
					} catch (error) {
						onEvent({ type: 'checkpoint', epoch: c.epoch, problem: errorMessage(error) });
					}
				}
			}
		});
		const m = result.metrics!;
		const trained: TrainResult = {
			model: result.model,
			preprocessing: { features: [], target: { name: 'label', task: 'classification', classes: meta.classes }, inputSize: shape.height * shape.width * shape.channels, image: shape },
			metrics: { task: 'classification', accuracy: m.accuracy, macroF1: m.macroF1, classes: m.classes, confusion: m.confusion, support: m.support },
			history: result.history,
			backend: (result.backend as BackendName) ?? backend,
			trainRows: result.trainRows,
			validationRows: validation === holdout ? 0 : validation.length,
			holdoutRows: holdout.length,
			droppedRows: 0,
			durationMs: result.durationMs,
			samplesPerSecond: result.samplesPerSecond,
			bestEpoch: result.history.length,
			stoppedEarly: false,
			...(probe ? { backendProbe: probe } : {})
		};
		return Comlink.transfer(trained, [trained.model.weightData]);
	},

	async predictImage(modelId, file, fileName, k, explain = true) {
		const record = await getModel(modelId);
		const prep = record.preprocessing;
		const shape = prep?.image;
		if (!prep || !shape) throw new KilnError('ValidationError', 'The model in use takes table rows, not images.');
		const { backend } = await ensureBackend();
		if (backend === 'wasm') registerWasmKernels();
		let pixels: Uint8Array;
		try {
			pixels = await decodeImage(file, shape);
		} catch (e) {
			throw new KilnError('ImageDecodeError', `${fileName} could not be decoded as an image (${errorMessage(e)}). Use a PNG, JPEG, GIF, BMP or WebP file.`);
		}
		const model = await modelFor(modelId, record.artifacts);
		const classes = prep.target.task === 'classification' ? prep.target.classes : [];
		const probabilities = await predictProbabilities(model, pixels, 1);
		const top = topK(probabilities, classes, Math.min(k, classes.length)).map(({ name, probability }) => ({ name, probability }));
		let method: ImagePrediction['method'] = 'Grad-CAM';
		let maps: HeatMaps = { maps: new Float32Array(0), count: 0, height: shape.height, width: shape.width, classes: new Int32Array(0) };
		if (!explain) method = 'none';
		else {
			try {
				maps = gradCam(model, pixels, 1);
			} catch {
				method = 'saliency';
				maps = saliency(model, pixels, 1);
			}
		}
		const result: ImagePrediction = { top, heatMap: maps.maps, height: maps.height, width: maps.width, pixels, channels: shape.channels, method };
		return Comlink.transfer(result, [result.heatMap.buffer as ArrayBuffer, result.pixels.buffer as ArrayBuffer]);
	},

	async confusedExamples(runId) {
		const run = await getRun(runId);
		const vision = run.config.vision;
		if (!vision || !run.modelId) throw new KilnError('ValidationError', 'Only a finished image run has mistakes to show.');
		const { backend } = await ensureBackend();
		if (backend === 'wasm') registerWasmKernels();
		const record = await getDataset(run.datasetId);
		assertNotEditedSince(record, run.createdAt, 'its most confused classes');
		const meta = imageMeta(record);
		const labels = await readImageLabels(record);
		const { holdout } = imageSplit(labels, meta.classes.length, { seed: run.config.seed, holdoutFraction: run.config.holdoutFraction, testStart: meta.testStart, maxTrain: vision.maxTrainImages });
		const model = await modelFor(run.modelId, (await getModel(run.modelId)).artifacts);
		const predicted = new Int32Array(holdout.length);
		// In slices, so memory stays bounded on a large holdout.
		for (let start = 0; start < holdout.length; start += 1024) {
			const rows = holdout.subarray(start, start + 1024);
			const { pixels } = await readImageRows(record, rows);
			const p = await predictProbabilities(model, pixels, rows.length);
			const width = meta.classes.length;
			for (let i = 0; i < rows.length; i++) {
				let best = 0;
				for (let c = 1; c < width; c++) if (p[i * width + c] > p[i * width + best]) best = c;
				predicted[start + i] = best;
			}
		}
		const pairs = confusedPairs(Array.from(holdout, (r) => labels[r]), predicted, meta.classes.length, { top: 4, examples: 8, rows: holdout });
		const result: ConfusedExamples = {
			classes: meta.classes,
			shape: { height: meta.height, width: meta.width, channels: meta.channels },
			pairs: await Promise.all(pairs.map(async (pair) => ({ actual: pair.actual, predicted: pair.predicted, count: pair.count, rate: pair.rate, examples: pair.examples.length, pixels: (await readImageRows(record, pair.examples)).pixels })))
		};
		return result;
	}
};
