import type * as tfl from '@tensorflow/tfjs-layers';
import type { ModelArtifacts, Preprocessing, Table, TargetTransform, TrainConfig } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { withConfigDefaults } from '$shared/train-config';
import { cellText } from '$shared/table';
import type { FeatureGroup, Predict } from '$workers/lib/evaluate';
import { encodeRows, transformTable, type FittedPipeline } from '$workers/lib/data/pipeline';
import { deserializeModel, forward } from '$workers/lib/model';
import { encodeFeatures } from '$workers/lib/preprocess';
import { classicFamilyOf, classicFromArtifacts } from '$workers/lib/model-lab/artifacts';
import { classicRawOutputs } from '$workers/lib/model-lab/outputs';
import type { ClassicFamily, ClassicModel } from '$workers/lib/models/types';
import { isFittedPipeline, type ModelEncoding } from '$workers/lib/predict';
import { modelEncoding } from '$workers/lib/predict-input';
import { encodeParts, type EncodedPart, type Parts } from '$workers/lib/train-encode';
import { runSplit, type RunSplit } from '$workers/lib/train-split';
import { encodingGroups, readableColumns } from './groups';

/** A stored run's model as the protocol's ModelRecord carries it (either encoding, any family). */
export interface StoredRun {
	artifacts: ModelArtifacts;
	preprocessing?: Preprocessing;
	pipeline?: FittedPipeline;
}

/** The scorer a network or classic model is, over encoded rows. */
export interface Scorer {
	encoding: ModelEncoding;
	target: TargetTransform;
	/** Encoded inputs per row. */
	width: number;
	/** Numbers per row of `predict`: the classes, or 1. */
	outputs: number;
	/** Encoded inputs per column the model reads, in matrix order. */
	groups: FeatureGroup[];
	/** The classic family, or null for a network. */
	family: ClassicFamily | null;
	/** The network itself (gradients: attributions, attacks); null for a classic model. */
	network: tfl.LayersModel | null;
	/** Raw outputs: logits (a classic classifier's log-probabilities) or standardised values. */
	raw(x: Float32Array, n: number): Promise<Float32Array>;
	/** Probabilities for a classifier, values in the target's own units for a regressor. */
	predict: Predict;
	/** New rows (a form, a file) encoded as prediction encodes them, with each group's cell as text. */
	encodeNew(table: Table): { x: Float32Array; rows: number; cells: (row: number, column: string) => string };
	/** Frees the network's tensors. */
	dispose(): void;
}

/** A finished run over its own dataset: the scorer plus the rows and labels its final score used. */
export interface RunModel extends Scorer {
	split: RunSplit;
	/** Train / validation / holdout as the run encoded them; `rows` are table rows, `y` class indices (−1: unseen class) or standardised values. */
	parts: Parts<EncodedPart>;
	/** Raw table columns a person reads rows by (slices, worst rows). */
	columns: string[];
	/** Labels of a part in the target's own units (regression) or as class indices. */
	labels(part: EncodedPart): Int32Array | Float64Array;
}

/** Logits → row-major probabilities in float32, stable in float64. */
export function softmaxFlat(logits: Float32Array, k: number): Float32Array {
	const out = new Float32Array(logits.length);
	for (let r = 0; r < logits.length / k; r++) {
		let max = -Infinity;
		for (let c = 0; c < k; c++) max = Math.max(max, logits[r * k + c]);
		let sum = 0;
		for (let c = 0; c < k; c++) sum += Math.exp(logits[r * k + c] - max);
		for (let c = 0; c < k; c++) out[r * k + c] = Math.exp(logits[r * k + c] - max) / sum;
	}
	return out;
}

/**
 * A stored model as a scorer: its encoding (the fitted pipeline when it has table steps or no
 * built-in preprocessing, exactly as prediction chooses), feature groups, and one loaded network
 * or classic model reused by every call. Call dispose() when done.
 */
export async function openScorer(stored: StoredRun): Promise<Scorer> {
	const encoding = modelEncoding(stored);
	const target = encoding.target;
	if (!target) throw new KilnError('ModelFormatError', "This model's pipeline has no target; it cannot be scored.");
	const width = encoding.inputSize;
	const outputs = target.task === 'classification' ? target.classes.length : 1;
	const family = classicFamilyOf(stored.artifacts);
	const classic: ClassicModel | null = family ? classicFromArtifacts(stored.artifacts) : null;
	const network = classic ? null : await deserializeModel(stored.artifacts);
	const raw = async (x: Float32Array, n: number) => (classic ? classicRawOutputs(classic, x, n) : forward(network!, x, n, width));
	const predict: Predict = async (x, n) => {
		const out = await raw(x, n);
		if (target.task === 'classification') return softmaxFlat(out, outputs);
		return Float32Array.from(out, (v) => v * target.std + target.mean);
	};
	return {
		encoding,
		target,
		width,
		outputs,
		groups: encodingGroups(encoding),
		family,
		network,
		raw,
		predict,
		encodeNew(table) {
			const rows = Int32Array.from({ length: table.rowCount }, (_, i) => i);
			const transformed = isFittedPipeline(encoding) ? transformTable(encoding, table, { mode: 'predict' }).table : table;
			const x = isFittedPipeline(encoding) ? encodeRows(encoding, transformed, rows).x : encodeFeatures(table, encoding, rows).x;
			const cells = (row: number, column: string) => {
				const found = transformed.columns.find((c) => c.name === column) ?? table.columns.find((c) => c.name === column);
				return found ? cellText(found, row) : '';
			};
			return { x, rows: table.rowCount, cells };
		},
		dispose: () => network?.dispose()
	};
}

/**
 * A finished run as a scorer over its dataset, with the split replayed from the run's config:
 * the same seeded rows, and for a pipeline run the same table steps (filters, de-duplication)
 * replayed with the fitted parameters, so the holdout is exactly the one its final score used.
 */
export async function openRunModel(table: Table, rawConfig: TrainConfig, stored: StoredRun): Promise<RunModel> {
	const config = withConfigDefaults(rawConfig);
	const scorer = await openScorer(stored);
	try {
		const { split } = runSplit(table, config);
		const parts = encodeParts(table, config, split, scorer.encoding);
		if (parts.fitted.inputSize !== scorer.width) throw new KilnError('ModelFormatError', `The model reads ${scorer.width} inputs but its encoding gives ${parts.fitted.inputSize}; the stored run is inconsistent. Train it again.`);
		const target = scorer.target;
		const labels = (part: EncodedPart) => (target.task === 'classification' ? Int32Array.from(part.y) : Float64Array.from(part.y, (v) => v * target.std + target.mean));
		return { ...scorer, split, parts: { train: parts.train, validation: parts.validation, holdout: parts.holdout }, columns: readableColumns(scorer.encoding, config.target), labels };
	} catch (error) {
		scorer.dispose();
		throw error;
	}
}
