import { getDataset, loadTable, type ModelRecord } from '$lib/db';
import { KilnError } from '$shared/errors';
import { withConfigDefaults } from '$shared/train-config';
import type { EvaluateRequest, EvaluationProgress, RunEvaluation } from '../protocol';
import { registerWasmKernels } from '../lib/kernels/register';
import { threeWaySplit } from '../lib/split';
import { encodeLabels, labelIndices } from '../lib/text/labels';
import { predictTextLinear } from '../lib/text/linear-text';
import { linearTopWords, predictedClassWords, textRunEvaluation } from '../lib/text/evaluate-text';
import { createTokenizer } from '../lib/text/tokenizer';
import { loadTextModel } from '../lib/text/nn/serialise';
import { predictTextModel } from '../lib/text/nn/predict';
import { columnStrings, readTextRun } from './text-artifacts';
import { ensureBackend } from './backend';

/**
 * A text run's evaluation on the holdout its final score used: the split is replayed as training
 * made it (labelled rows, stratified, the run's seed; the holdout is taken before validation).
 */
export async function evaluateTextRun(request: EvaluateRequest, model: ModelRecord, onProgress?: (progress: EvaluationProgress) => void): Promise<RunEvaluation> {
	const started = performance.now();
	const config = withConfigDefaults(request.config);
	const topology = readTextRun(model.artifacts);
	const target = model.preprocessing?.target;
	if (target?.task !== 'classification') throw new KilnError('ModelFormatError', 'This text run has no classes stored with its model.');
	onProgress?.({ fraction: 0.05, label: 'Reading the texts' });
	const table = await loadTable(await getDataset(request.datasetId));
	const texts = columnStrings(table, topology.column, 'text column');
	const labels = columnStrings(table, config.target, 'target');
	const { y, rows } = encodeLabels(labels, config.target);
	const split = threeWaySplit(rows, config.holdoutFraction, topology.kind === 'linear' ? 0 : config.validationFraction, config.seed, y);
	const holdout = split.holdout;
	const classes = target.classes;
	const truth = labelIndices(labels, classes, holdout);
	const trainTruth = labelIndices(labels, classes, Int32Array.from([...split.train, ...split.validation]));
	const holdoutTexts = Array.from(holdout, (r) => texts[r]);
	onProgress?.({ fraction: 0.2, label: `Predicting ${holdout.length.toLocaleString('en-US')} holdout texts` });
	if (topology.kind === 'linear') {
		const out = predictTextLinear(topology.linear, holdoutTexts);
		onProgress?.({ fraction: 0.8, label: 'Scores, baselines and top words' });
		return textRunEvaluation({ runId: request.runId, target: config.target, column: topology.column, texts, holdout, truth, probabilities: out.probabilities, classes, trainTruth, seed: config.seed, topWords: linearTopWords(topology.linear), topWordsMethod: 'the model’s TF-IDF weight for the class minus its mean weight over the classes', startedAt: started });
	}
	const { backend } = await ensureBackend();
	if (backend === 'wasm') registerWasmKernels();
	const network = loadTextModel({ weightSpecs: model.artifacts.weightSpecs, weightData: model.artifacts.weightData, modelTopology: topology.network });
	try {
		const out = await predictTextModel(network, createTokenizer(topology.tokenizer), holdoutTexts);
		onProgress?.({ fraction: 0.8, label: 'Scores, baselines and top words' });
		return textRunEvaluation({
			runId: request.runId,
			target: config.target,
			column: topology.column,
			texts,
			holdout,
			truth,
			probabilities: out.probabilities,
			classes,
			trainTruth,
			seed: config.seed,
			topWords: predictedClassWords(holdoutTexts, out.predicted, classes),
			topWordsMethod: 'words over-represented in the holdout texts the model assigns to the class (smoothed log-odds of the share of texts containing them); a network has no per-word weights',
			startedAt: started
		});
	} finally {
		network.dispose();
	}
}
