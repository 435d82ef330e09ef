import type { CompressRequest, ModelArtifacts, VariantRow } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { measureModel, quantizeOnnxWeights, quantizeTfjs, weightStats } from '$workers/lib/ship';
import { float16Onnx } from '$workers/lib/ship-run/float16-onnx';
import { checkCompressRequest, type CompressOptions, type Variant } from '$workers/lib/ship-run/variants';
import { createTokenizer } from '../tokenizer';
import { encodeTexts } from '../nn/sequences';
import type { TextModelTopology } from '../nn/serialise';
import { textLinearOnnx } from '../onnx/linear-onnx';
import { textNetworkOnnx } from '../onnx/network-onnx';
import { textFeeds } from '../onnx/text-export';
import type { TextRunTopology } from '../text-run';
import { measureTextOnnx, measureTextTfjs, type TextHoldout } from './text-measure';
import { dequantised, linearLayersArtifacts, linearWithWeights, networkArtifacts, pruneWeights } from './text-weights';
import { fineTunePruned } from './text-prune';

/**
 * The trade-off table for a text run: the original, float16 and int8 weights, and magnitude
 * pruning at each asked sparsity (alone and with int8), each measured on the run's replayed
 * holdout texts in tfjs and ONNX Runtime. A variant's `artifacts` are what its tfjs files hold:
 * the network's weights (a TF-IDF model: a Dense + softmax layers model). Pruning is one shot for
 * every text model and, for a network given its training texts, also with fine-tuning (the text
 * training loop with the zeros put back after each step); a TF-IDF model is fitted by a solver,
 * so the table lists its fine-tuned pruning as not measured.
 */

const percent = (s: number) => `${Math.round(s * 100)}%`;

/** The tfjs form of the run's float32 weights. */
export async function textTfjsArtifacts(topology: TextRunTopology, artifacts: ModelArtifacts): Promise<ModelArtifacts> {
	return topology.kind === 'linear' ? linearLayersArtifacts(topology.linear) : networkArtifacts(topology, artifacts);
}

/** The ONNX graph (text input as the export's) of a variant's tfjs-form weights. */
export function variantOnnx(topology: TextRunTopology, weights: ModelArtifacts): Uint8Array {
	return topology.kind === 'linear' ? textLinearOnnx(linearWithWeights(topology.linear, dequantised(weights))) : textNetworkOnnx(dequantised(weights));
}

/** The run's training texts and settings, for pruning with fine-tuning (networks only). */
export interface TextFineTune {
	texts: readonly (string | null)[];
	y: Int32Array;
	batchSize: number;
	learningRate: number;
	seed: number;
}

export async function compressTextRun(topology: TextRunTopology, artifacts: ModelArtifacts, holdoutTexts: readonly (string | null)[], y: Int32Array, request: CompressRequest, options: CompressOptions, fineTune?: TextFineTune): Promise<VariantRow[]> {
	checkCompressRequest(request);
	if (y.length === 0 || y.length !== holdoutTexts.length) throw new KilnError('ValidationError', 'This run has no holdout texts to measure the variants on.');
	const repeats = request.repeats ?? 20;
	const measureOptions = { ort: options.ort, ortBackend: options.ortBackend, repeats, warmup: 3 };
	const sparsities = [...new Set(request.sparsities)].sort((a, b) => a - b);
	const tuned = topology.kind === 'neural' && fineTune && fineTune.y.length > 0 ? fineTune : null;
	const total = 3 + (tuned ? 4 : 2) * sparsities.length;
	const rows: VariantRow[] = [];
	let done = 0;
	// The holdout as the graph takes it: the TF-IDF matrix, or token ids.
	const feed = textFeeds(topology, holdoutTexts);
	const holdout: TextHoldout | null = topology.kind === 'neural' ? { ids: encodeTexts(createTokenizer(topology.tokenizer), holdoutTexts, (topology.network as TextModelTopology).config.maxLength).ids, y, maxLength: (topology.network as TextModelTopology).config.maxLength } : null;

	const measure = async (variant: Variant) => {
		options.onProgress?.(Math.min(0.99, (done + 0.5) / total), `Measuring ${variant.label}`);
		const counts = weightStats(dequantised(variant.artifacts));
		let row: VariantRow;
		if (holdout) {
			const tfjs = await measureTextTfjs(variant.artifacts, holdout, measureOptions);
			const onnx = variant.onnx ? await measureTextOnnx(variant.onnx, holdout, measureOptions) : undefined;
			row = { id: variant.id, label: variant.label, params: counts.params, nonZero: counts.nonZero, metricName: 'accuracy', tfjs, ...(onnx ? { onnx } : {}) };
		} else {
			const m = await measureModel({ artifacts: variant.artifacts, onnx: variant.onnx, x: feed.data as Float32Array, y, task: 'classification', ort: options.ort, ortBackend: options.ortBackend, rowShape: [feed.dims[1]], repeats, warmup: 3 });
			row = { id: variant.id, label: variant.label, params: counts.params, nonZero: counts.nonZero, metricName: 'accuracy', tfjs: m.tfjs, onnx: m.onnx };
		}
		rows.push(row);
		await options.onVariant?.(variant, row);
		done++;
	};

	options.onProgress?.(0, 'Writing the original as tfjs and ONNX');
	const float = await textTfjsArtifacts(topology, artifacts);
	const floatOnnx = variantOnnx(topology, float);
	await measure({ id: 'float32', label: 'Original (float32)', artifacts: float, onnx: floatOnnx });
	await measure({ id: 'float16', label: 'float16 weights', artifacts: quantizeTfjs(float, 'float16') as ModelArtifacts, onnx: float16Onnx(floatOnnx) });
	await measure({ id: 'int8', label: 'int8 weights', artifacts: quantizeTfjs(float, 'uint8') as ModelArtifacts, onnx: quantizeOnnxWeights(floatOnnx) });
	for (const sparsity of sparsities) {
		const pruned = pruneWeights(float, sparsity);
		const prunedOnnx = variantOnnx(topology, pruned);
		const id = `pruned-${Math.round(sparsity * 100)}-once`;
		await measure({ id, label: `${percent(sparsity)} pruned, no fine-tuning`, artifacts: pruned, onnx: prunedOnnx });
		await measure({ id: `${id}-int8`, label: `${percent(sparsity)} pruned, no fine-tuning + int8`, artifacts: quantizeTfjs(pruned, 'uint8') as ModelArtifacts, onnx: quantizeOnnxWeights(prunedOnnx) });
		if (tuned && topology.kind === 'neural') {
			options.onProgress?.(Math.min(0.99, done / total), `Pruning to ${percent(sparsity)} zeros while fine-tuning for ${request.fineTuneEpochs} epochs`);
			const t = (topology.network as TextModelTopology).config.maxLength;
			const ids = encodeTexts(createTokenizer(topology.tokenizer), tuned.texts, t).ids;
			const network = await fineTunePruned(float, sparsity, { ids, labels: tuned.y, maxLength: t }, { epochs: request.fineTuneEpochs, batchSize: tuned.batchSize, learningRate: tuned.learningRate, seed: tuned.seed });
			const tunedOnnx = variantOnnx(topology, network);
			const key = `pruned-${Math.round(sparsity * 100)}`;
			await measure({ id: key, label: `${percent(sparsity)} pruned`, artifacts: network, onnx: tunedOnnx });
			await measure({ id: `${key}-int8`, label: `${percent(sparsity)} pruned + int8`, artifacts: quantizeTfjs(network, 'uint8') as ModelArtifacts, onnx: quantizeOnnxWeights(tunedOnnx) });
		}
	}
	if (sparsities.length > 0 && !tuned) options.onSkip?.('Pruning with fine-tuning', topology.kind === 'linear' ? 'a TF-IDF model is fitted by its solver, not trained by steps, so it is pruned in one shot only.' : 'no training texts were given to fine-tune on.');
	options.onProgress?.(1, 'Done');
	return rows;
}
