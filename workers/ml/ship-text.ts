import { getDataset, getModel, loadTable, type RunRecord } from '$lib/db';
import { KilnError } from '$shared/errors';
import { withConfigDefaults } from '$shared/train-config';
import type { OnnxExportResult, ShipProgress } from '../protocol';
import { registerWasmKernels } from '../lib/kernels/register';
import { threeWaySplit } from '../lib/split';
import { encodeLabels } from '../lib/text/labels';
import { encodeTagged } from '../lib/text/nn/sequences';
import { checkTextOnnx, textOnnxZip, textRunOnnx, textSidecar } from '../lib/text/onnx/text-export';
import { taggedSentences } from '../lib/text/tagging';
import { deflatedSize } from '../lib/ship/measure';
import { graphSignature } from '../lib/ship';
import { decodeModel } from '../lib/ship/onnx-builder';
import { ensureBackend } from './backend';
import { loadOrt, ORT_LABEL } from './ort';
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
		if (variantId !== 'float32') throw new KilnError('ExportError', 'Text runs have no compressed variants; export the original (float32) model.');
		if (run.status !== 'done' || !run.modelId) throw new KilnError('NotFoundError', 'Only a finished run with a model can be exported.');
		onProgress?.({ fraction: 0.05, label: 'Reading the model' });
		const stored = await getModel(run.modelId);
		const topology = readTextRun(stored.artifacts);
		const target = stored.preprocessing?.target;
		if (target?.task !== 'classification') throw new KilnError('ModelFormatError', 'This text run has no classes stored with its model.');
		const config = withConfigDefaults(run.config);
		onProgress?.({ fraction: 0.2, label: 'Writing the ONNX graph and text.json' });
		const onnx = textRunOnnx(topology, stored.artifacts);
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
			check = await checkTextOnnx(ort, onnx, topology, stored.artifacts, { ids, count: holdout.length }, ORT_LABEL);
		} else {
			const texts = columnStrings(table, topology.column, 'text column');
			const { y, rows } = encodeLabels(columnStrings(table, config.target, 'target'), config.target);
			const { holdout } = threeWaySplit(rows, config.holdoutFraction, topology.kind === 'linear' ? 0 : config.validationFraction, config.seed, y);
			check = await checkTextOnnx(ort, onnx, topology, stored.artifacts, { texts: Array.from(holdout, (r) => texts[r]) }, ORT_LABEL);
		}
		const zip = textOnnxZip(onnx, textSidecar(topology, target.classes));
		const signature = graphSignature(decodeModel(onnx));
		onProgress?.({ fraction: 1, label: 'Done' });
		return {
			file: new Blob([zip.slice().buffer as ArrayBuffer], { type: 'application/zip' }),
			bytes: zip.length,
			deflatedBytes: deflatedSize(zip),
			variantId,
			check,
			inputs: signature.inputs.map((i) => i.name),
			outputs: signature.outputs.map((o) => o.name),
			sidecar: 'text'
		};
	}
};
