import type { CompressRequest, ModelArtifacts, Preprocessing, Table, TargetTransform, TrainConfig, VariantRow } from '$workers/protocol';
import type { FittedPipeline } from '$workers/lib/data/pipeline';
import { isKind, KilnError } from '$shared/errors';
import { withConfigDefaults } from '$shared/train-config';
import { modelInputs } from '$workers/lib/model-input';
import { splitFor } from '$workers/lib/train-data';
import { measureModel, pruneMagnitude, pruneStructured, quantAwareFineTune, quantizeOnnxWeights, quantizeTfjs, type OrtRuntime, type PruneEpoch } from '$workers/lib/ship';
import { modelOnnx, type RunModel } from './export-run';
import { float16Onnx } from './float16-onnx';
import { pruneOneShot } from './prune-one-shot';

/**
 * The variants of a run's model for the trade-off table — the original, float16 weights (tfjs
 * storage, and ONNX FLOAT16 initializers cast to float32),
 * int8 weights (rounded after training, or also fine-tuned on the int8 grid: quantisation-aware),
 * and magnitude-pruned models (fine-tuned on the run's training rows) alone and with int8 — each measured on the run's holdout rows in tfjs and onnxruntime.
 */

export interface Variant {
	id: string;
	label: string;
	/** tfjs artifacts; the manifest may carry storage quantisation (tfjs loads it as is). */
	artifacts: ModelArtifacts;
	/** The model alone as ONNX (features in, logits or standardised values out). */
	onnx?: Uint8Array;
}

export interface EncodedPart {
	rows: Int32Array;
	x: Float32Array;
	y: Int32Array | Float32Array;
	/** One row's shape as the model takes it when not flat (images: [height, width, channels]). */
	shape?: number[];
}

/** A network run's model with its built-in preprocessing or its fitted Prepare pipeline (as a ModelRecord holds them). */
export type CompressModel = Pick<RunModel, 'artifacts'> & { preprocessing?: Preprocessing; pipeline?: FittedPipeline };

function targetOf(model: CompressModel): TargetTransform {
	const target = model.pipeline && (model.pipeline.steps.length > 0 || !model.preprocessing) ? model.pipeline.target : model.preprocessing?.target;
	if (!target) throw new KilnError('ExportError', 'This run has neither a built-in encoding nor a pipeline with a target; it cannot be compressed.');
	return target;
}

/** The run's training and holdout rows, encoded with its fitted preprocessing or pipeline (split replayed from the seed). */
export function runSplit(table: Table, rawConfig: TrainConfig, model: CompressModel): { train: EncodedPart; holdout: EncodedPart } {
	const config = withConfigDefaults(rawConfig);
	const { split } = splitFor(table, config);
	const part = (rows: Int32Array): EncodedPart => {
		const { x, y } = modelInputs({ preprocessing: model.preprocessing, pipeline: model.pipeline }, table, rows);
		return { rows, x, y: y! };
	};
	return { train: part(Int32Array.from(split.train)), holdout: part(Int32Array.from(split.holdout)) };
}

export const MAX_SPARSITY = 0.95;

export function checkCompressRequest(request: CompressRequest): void {
	if (!Number.isInteger(request.fineTuneEpochs) || request.fineTuneEpochs < 1 || request.fineTuneEpochs > 200) throw new KilnError('ValidationError', 'Fine-tuning epochs must be a whole number from 1 to 200.');
	if (request.sparsities.length > 5) throw new KilnError('ValidationError', 'Pick at most 5 sparsities.');
	for (const s of request.sparsities) if (!(s > 0 && s <= MAX_SPARSITY)) throw new KilnError('ValidationError', `Sparsity ${s} is out of range: use a share of zeros above 0 and at most ${MAX_SPARSITY}.`);
	if ((request.structured?.length ?? 0) > 3) throw new KilnError('ValidationError', 'Pick at most 3 structured pruning shares.');
	for (const f of request.structured ?? []) if (!(f > 0 && f < 1)) throw new KilnError('ValidationError', `Structured pruning share ${f} is out of range: remove more than 0 and less than all of the filters.`);
}

const percent = (s: number) => `${Math.round(s * 100)}%`;

export interface CompressOptions {
	ort: OrtRuntime;
	ortBackend: string;
	onProgress?: (fraction: number, label: string) => void;
	/** Called with each variant as soon as it is measured (the worker stores it). */
	onVariant?: (variant: Variant, row: VariantRow) => Promise<void> | void;
	/** A variant the model's layers do not allow (e.g. structured pruning through a depthwise conv). */
	onSkip?: (label: string, reason: string) => void;
}

/** Build and measure every variant, in table order. */
export async function compressRun(model: CompressModel, config: TrainConfig, split: { train: EncodedPart; holdout: EncodedPart }, request: CompressRequest, options: CompressOptions): Promise<VariantRow[]> {
	checkCompressRequest(request);
	if (split.holdout.rows.length === 0) throw new KilnError('ValidationError', 'This run has no holdout rows to measure the variants on.');
	const target = targetOf(model);
	const task = target.task;
	const sparsities = [...new Set(request.sparsities)].sort((a, b) => a - b);
	const structured = [...new Set(request.structured ?? [])].sort((a, b) => a - b);
	const total = 3 + (request.qat ? 1 : 0) + (request.oneShot ? 3 : 2) * sparsities.length + 2 * structured.length;
	let done = 0;
	const progress = (label: string, within = 0) => options.onProgress?.(Math.min(0.99, (done + within) / total), label);
	/** The run's own training settings for a variant's fine-tuning, its epochs reported as `what: epoch i of n`. */
	const fineTuning = (what: string) => ({
		epochs: request.fineTuneEpochs,
		batchSize: config.batchSize,
		learningRate: config.learningRate,
		l2: config.l2,
		seed: config.seed,
		task,
		onEpoch: (e: PruneEpoch) => progress(`${what}: epoch ${e.epoch} of ${request.fineTuneEpochs}`, (0.5 * e.epoch) / request.fineTuneEpochs)
	});
	const rows: VariantRow[] = [];
	const measure = async (variant: Variant) => {
		progress(`Measuring ${variant.label}`, 0.5);
		const m = await measureModel({
			artifacts: variant.artifacts,
			onnx: variant.onnx,
			x: split.holdout.x,
			y: split.holdout.y,
			task,
			targetStd: target.task === 'regression' ? target.std : 1,
			ort: options.ort,
			ortBackend: options.ortBackend,
			rowShape: split.holdout.shape,
			repeats: request.repeats ?? 20,
			warmup: 3
		});
		const row: VariantRow = { id: variant.id, label: variant.label, params: m.params, nonZero: m.nonZero, metricName: m.metricName, tfjs: m.tfjs, onnx: m.onnx };
		rows.push(row);
		await options.onVariant?.(variant, row);
		done++;
	};

	progress('Exporting the original to ONNX');
	const float = await modelOnnx(model);
	await measure({ id: 'float32', label: 'Original (float32)', artifacts: model.artifacts, onnx: float });
	await measure({ id: 'float16', label: 'float16 weights', artifacts: quantizeTfjs(model.artifacts, 'float16') as ModelArtifacts, onnx: float16Onnx(float) });
	await measure({ id: 'int8', label: 'int8 weights', artifacts: quantizeTfjs(model.artifacts, 'uint8') as ModelArtifacts, onnx: quantizeOnnxWeights(float) });
	if (request.qat) {
		progress('Fine-tuning on the int8 grid (quantisation-aware)');
		const qat = await quantAwareFineTune(model.artifacts, split.train.x, split.train.y, fineTuning('Quantisation-aware fine-tuning'));
		const qatOnnx = await modelOnnx({ artifacts: qat.model });
		await measure({ id: 'int8-qat', label: 'int8, quantisation-aware fine-tuned', artifacts: quantizeTfjs(qat.model, 'uint8') as ModelArtifacts, onnx: quantizeOnnxWeights(qatOnnx) });
	}
	for (const sparsity of sparsities) {
		const name = `${percent(sparsity)} pruned`;
		if (request.oneShot) {
			const once = await pruneOneShot(model.artifacts, sparsity);
			await measure({ id: `pruned-${Math.round(sparsity * 100)}-once`, label: `${name}, no fine-tuning`, artifacts: once, onnx: await modelOnnx({ artifacts: once }) });
		}
		progress(`Pruning to ${percent(sparsity)} zeros while fine-tuning`);
		const pruned = await pruneMagnitude(model.artifacts, split.train.x, split.train.y, { ...fineTuning(`Pruning to ${percent(sparsity)} zeros`), targetSparsity: sparsity });
		const prunedOnnx = await modelOnnx({ artifacts: pruned.model });
		const id = `pruned-${Math.round(sparsity * 100)}`;
		await measure({ id, label: name, artifacts: pruned.model, onnx: prunedOnnx });
		await measure({ id: `${id}-int8`, label: `${name} + int8`, artifacts: quantizeTfjs(pruned.model, 'uint8') as ModelArtifacts, onnx: quantizeOnnxWeights(prunedOnnx) });
	}
	for (const fraction of structured) {
		const label = `${percent(fraction)} of filters / units removed`;
		progress(`Removing ${percent(fraction)} of filters and units, then fine-tuning`);
		try {
			const smaller = await pruneStructured(model.artifacts, split.train.x, split.train.y, { ...fineTuning(`Structured pruning ${percent(fraction)}`), fraction });
			const id = `structured-${Math.round(fraction * 100)}`;
			const smallerOnnx = await modelOnnx({ artifacts: smaller.model });
			await measure({ id, label, artifacts: smaller.model, onnx: smallerOnnx });
			// Fewer weights and a byte each: the only variant whose raw file (not just its deflated
			// copy) goes past 4× smaller, since int8 alone keeps the graph, biases and scales.
			await measure({ id: `${id}-int8`, label: `${label} + int8`, artifacts: quantizeTfjs(smaller.model, 'uint8') as ModelArtifacts, onnx: quantizeOnnxWeights(smallerOnnx) });
		} catch (error) {
			if (!isKind(error, 'TrainingError')) throw error;
			options.onSkip?.(label, (error as Error).message);
			done += 2;
		}
	}
	options.onProgress?.(1, 'Done');
	return rows;
}
