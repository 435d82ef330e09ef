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

/**
 * The trade-off table for a text run: the original, float16 and int8 weights, and magnitude
 * pruning at each asked sparsity (alone and with int8), each measured on the run's replayed
 * holdout texts in tfjs and ONNX Runtime. A variant's `artifacts` are what its tfjs files hold:
 * the network's weights (a TF-IDF model: a Dense + softmax layers model). Pruning here is one
 * shot, without fine-tuning: fine-tuning a text model needs the text training loop, which the
 * compression job does not run; the table says so in its skipped list.
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

export async function compressTextRun(topology: TextRunTopology, artifacts: ModelArtifacts, holdoutTexts: readonly (string | null)[], y: Int32Array, request: CompressRequest, options: CompressOptions): Promise<VariantRow[]> {
	checkCompressRequest(request);
	if (y.length === 0 || y.length !== holdoutTexts.length) throw new KilnError('ValidationError', 'This run has no holdout texts to measure the variants on.');
	const repeats = request.repeats ?? 20;
	const measureOptions = { ort: options.ort, ortBackend: options.ortBackend, repeats, warmup: 3 };
	const sparsities = [...new Set(request.sparsities)].sort((a, b) => a - b);
	const total = 3 + 2 * sparsities.length;
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
	}
	if (sparsities.length > 0) options.onSkip?.('Pruning with fine-tuning', 'text models are pruned in one shot here; fine-tuning a pruned text model needs the text training loop, which compression does not run yet.');
	options.onProgress?.(1, 'Done');
	return rows;
}
