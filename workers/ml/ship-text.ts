import { getDataset, getModel, getVariant, loadTable, type RunRecord } from '$lib/db';
import { KilnError } from '$shared/errors';
import { withConfigDefaults } from '$shared/train-config';
import type { ModelArtifacts, Table } from '$workers/protocol';
import type { CompressRequest, OnnxExportResult, ShipProgress, TfjsExportResult, TradeoffTable } from '../protocol';
import { compressTextRun, textTfjsArtifacts } from '../lib/text/ship/text-variants';
import { textTfjsZip } from '../lib/text/ship/text-tfjs';
import { dequantised, linearWithWeights } from '../lib/text/ship/text-weights';
import type { TextRunTopology } from '../lib/text/text-run';
import { registerWasmKernels } from '../lib/kernels/register';
import { threeWaySplit } from '../lib/split';
import { encodeLabels, labelIndices } from '../lib/text/labels';
import { encodeTagged } from '../lib/text/nn/sequences';
import { checkTextOnnx, textOnnxZip, textRunOnnx, textSidecar } from '../lib/text/onnx/text-export';
import { taggedSentences } from '../lib/text/tagging';
import { ensureBackend } from './backend';
import { loadOrt, ORT_LABEL } from './ort';
import { compressionStore, onnxExportResult } from './ship-common';
import { columnStrings, readTextRun } from './text-artifacts';

/**
 * ONNX export of a text run: model.onnx (token ids, or the TF-IDF vector, in) and text.json (the
 * tokeniser's rules and vocabulary, or the TF-IDF terms and weighting), zipped, checked in ONNX
 * Runtime Web against Kiln on the run's holdout texts (a tagger: every held-out token) replayed
 * from its seed exactly as training and evaluation split them.
 */
export const textShip = {
	isTextRun(run: RunRecord): boolean {
		return !!run.config.text;
	},

	async exportOnnx(run: RunRecord, variantId: string, onProgress?: (p: ShipProgress) => void): Promise<OnnxExportResult> {
		if (run.status !== 'done' || !run.modelId) throw new KilnError('NotFoundError', 'Only a finished run with a model can be exported.');
		onProgress?.({ fraction: 0.05, label: 'Reading the model' });
		const stored = await getModel(run.modelId);
		const base = readTextRun(stored.artifacts);
		const target = stored.preprocessing?.target;
		if (target?.task !== 'classification') throw new KilnError('ModelFormatError', 'This text run has no classes stored with its model.');
		const config = withConfigDefaults(run.config);
		onProgress?.({ fraction: 0.2, label: 'Writing the ONNX graph and text.json' });
		// A trade-off variant: its own graph, checked against its own weights as tfjs loads them.
		const variant = variantId === 'float32' ? null : await getVariant(run.id, variantId);
		if (variant && !variant.onnx) throw new KilnError('ExportError', `“${variant.row.label}” exists only as tfjs files; export it as tfjs, or pick another variant.`);
		const { topology, artifacts } = variant ? asRun(base, variant.artifacts) : { topology: base, artifacts: stored.artifacts };
		const onnx = variant?.onnx ?? textRunOnnx(topology, artifacts);
		const { backend } = await ensureBackend();
		if (backend === 'wasm') registerWasmKernels();
		onProgress?.({ fraction: 0.4, label: 'Starting ONNX Runtime Web' });
		const ort = await loadOrt();
		const table = await loadTable(await getDataset(run.datasetId));
		onProgress?.({ fraction: 0.6, label: 'Checking the file on the holdout texts' });
		let check;
		if (topology.kind === 'neural' && config.text?.tagging) {
			const { sentences } = taggedSentences(table, { sentence: config.text.tagging.sentence, token: topology.column, tag: config.target });
			const { holdout } = threeWaySplit(Int32Array.from(sentences.keys()), config.holdoutFraction, config.validationFraction, config.seed);
			const t = (topology.network as { config: { maxLength: number } }).config.maxLength;
			const { ids } = encodeTagged(topology.tokenizer, Array.from(holdout, (i) => sentences[i]), target.classes, t);
			check = await checkTextOnnx(ort, onnx, topology, artifacts, { ids, count: holdout.length }, ORT_LABEL);
		} else {
			check = await checkTextOnnx(ort, onnx, topology, artifacts, { texts: holdoutTexts(table, topology, config).texts }, ORT_LABEL);
		}
		const zip = textOnnxZip(onnx, textSidecar(topology, target.classes));
		onProgress?.({ fraction: 1, label: 'Done' });
		return onnxExportResult(zip, onnx, variantId, check, { sidecar: 'text' });
	},

	async exportTfjs(run: RunRecord, variantId: string): Promise<TfjsExportResult> {
		if (run.status !== 'done' || !run.modelId) throw new KilnError('NotFoundError', 'Only a finished run with a model can be exported.');
		const stored = await getModel(run.modelId);
		const topology = readTextRun(stored.artifacts);
		const target = stored.preprocessing?.target;
		if (target?.task !== 'classification') throw new KilnError('ModelFormatError', 'This text run has no classes stored with its model.');
		const variant = variantId === 'float32' ? null : await getVariant(run.id, variantId);
		// Any variant has tfjs files (float16 storage included); they hold its weights as stored.
		const weights = variant ? variant.artifacts : await textTfjsArtifacts(topology, stored.artifacts);
		const zip = textTfjsZip(topology, weights, target.classes, variant?.row.label ?? 'Original (float32)');
		return { file: new Blob([zip.slice().buffer as ArrayBuffer], { type: 'application/zip' }), bytes: zip.length, variantId };
	},

	async compressRun(run: RunRecord, request: CompressRequest, onProgress?: (p: ShipProgress) => void): Promise<TradeoffTable> {
		const started = performance.now();
		if (run.status !== 'done' || !run.modelId) throw new KilnError('NotFoundError', 'Only a finished run with a model can be compressed.');
		const config = withConfigDefaults(run.config);
		if (config.text?.tagging) throw new KilnError('ExportError', 'Compression covers text classifiers; a tagger exports to ONNX and tfjs as trained.');
		const stored = await getModel(run.modelId);
		const topology = readTextRun(stored.artifacts);
		const { backend } = await ensureBackend();
		if (backend === 'wasm') registerWasmKernels();
		onProgress?.({ fraction: 0, label: 'Starting ONNX Runtime Web' });
		const ort = await loadOrt();
		const table = await loadTable(await getDataset(run.datasetId));
		const classes = stored.preprocessing?.target?.task === 'classification' ? stored.preprocessing.target.classes : [];
		const { texts, y, train } = holdoutTexts(table, topology, config, classes);
		const store = await compressionStore(run, started, ort, backend, onProgress);
		const rows = await compressTextRun(topology, stored.artifacts, texts, y, request, store.options, { ...train, batchSize: config.batchSize, learningRate: config.learningRate, seed: config.seed });
		return store.finish(y.length, request, rows);
	}
};

/** The run's holdout texts and labels, split replayed from its seed exactly as training and evaluation did. */
function holdoutTexts(table: Table, topology: TextRunTopology, config: ReturnType<typeof withConfigDefaults>, classes: readonly string[] = []): { texts: (string | null)[]; y: Int32Array; train: { texts: (string | null)[]; y: Int32Array } } {
	const texts = columnStrings(table, topology.column, 'text column');
	const labels = columnStrings(table, config.target, 'target');
	const { y, rows } = encodeLabels(labels, config.target);
	const { holdout, train } = threeWaySplit(rows, config.holdoutFraction, topology.kind === 'linear' ? 0 : config.validationFraction, config.seed, y);
	// Indices in the model's own class order (a class it never saw would be −1: counted wrong, never trained on).
	const trainY = labelIndices(labels, classes, train);
	const known = Array.from(train).filter((_, i) => trainY[i] >= 0);
	return { texts: Array.from(holdout, (r) => texts[r]), y: labelIndices(labels, classes, holdout), train: { texts: known.map((r) => texts[r]), y: labelIndices(labels, classes, known) } };
}

/** A variant's tfjs-form weights back in the run's form (topology + artifacts) for the ONNX check. */
function asRun(base: TextRunTopology, weights: ModelArtifacts): { topology: TextRunTopology; artifacts: ModelArtifacts } {
	const float = dequantised(weights);
	if (base.kind === 'linear') {
		const topology = { ...base, linear: linearWithWeights(base.linear, float) };
		return { topology, artifacts: { modelTopology: topology, weightSpecs: [], weightData: new ArrayBuffer(0) } };
	}
	return { topology: base, artifacts: { ...float, modelTopology: base } };
}
