import { getDataset, loadTable, type ModelRecord } from '$lib/db';
import { KilnError } from '$shared/errors';
import { withConfigDefaults } from '$shared/train-config';
import type { EvaluateRequest, EvaluationProgress, RunEvaluation, Table, TrainConfig } from '../protocol';
import { registerWasmKernels } from '../lib/kernels/register';
import { threeWaySplit } from '../lib/split';
import { labelIndices } from '../lib/text/labels';
import { predictTextLinear } from '../lib/text/linear-text';
import { linearTopWords, predictedClassWords, textRunEvaluation } from '../lib/text/evaluate-text';
import { createTokenizer } from '../lib/text/tokenizer';
import { loadTextModel } from '../lib/text/nn/serialise';
import { predictTextModel } from '../lib/text/nn/predict';
import { readTextRun, textRunSplit, type TextRunTopology } from './text-artifacts';
import { taggedSentences, tokenScores } from '../lib/text/tagging';
import { encodeTagged } from '../lib/text/nn/sequences';
import type { TextModel } from '../lib/text/nn/text-model';
import { argmax } from '../lib/evaluate';
import * as tf from '@tensorflow/tfjs-core';
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
	const classes = target.classes;
	if (topology.kind === 'neural' && config.text?.tagging) {
		const { backend } = await ensureBackend();
		if (backend === 'wasm') registerWasmKernels();
		const network = loadTextModel({ weightSpecs: model.artifacts.weightSpecs, weightData: model.artifacts.weightData, modelTopology: topology.network });
		try {
			return await evaluateTagger(request, config, topology, network, table, classes, onProgress, started);
		} finally {
			network.dispose();
		}
	}
	const { texts, labels, split } = textRunSplit(table, config, topology);
	const holdout = split.holdout;
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

/** Forward passes in batches: [sentences × maxLength × tags] probabilities. */
async function tokenProbabilities(network: TextModel, ids: Int32Array, count: number, t: number, k: number, batchSize = 64): Promise<Float32Array> {
	const out = new Float32Array(count * t * k);
	for (let start = 0; start < count; start += batchSize) {
		const n = Math.min(batchSize, count - start);
		const p = tf.tidy(() => tf.softmax(network.forward(tf.tensor2d(ids.subarray(start * t, (start + n) * t), [n, t], 'int32'), { training: false }).logits));
		out.set((await p.data()) as Float32Array, start * t * k);
		p.dispose();
	}
	return out;
}

/**
 * A tagger's evaluation, per held-out token: the same sentence split as training (seeded, the
 * holdout taken first), the corpus's own tokens read whole; a "row" is the token's dataset row.
 */
async function evaluateTagger(request: EvaluateRequest, config: TrainConfig, topology: Extract<TextRunTopology, { kind: 'neural' }>, network: TextModel, table: Table, tags: string[], onProgress: ((progress: EvaluationProgress) => void) | undefined, started: number): Promise<RunEvaluation> {
	const { sentences } = taggedSentences(table, { sentence: config.text!.tagging!.sentence, token: topology.column, tag: config.target });
	const split = threeWaySplit(Int32Array.from(sentences.keys()), config.holdoutFraction, config.validationFraction, config.seed);
	const t = network.config.maxLength;
	const k = tags.length;
	onProgress?.({ fraction: 0.2, label: `Tagging ${split.holdout.length.toLocaleString('en-US')} holdout sentences` });
	const held = Array.from(split.holdout, (i) => sentences[i]);
	const encoded = encodeTagged(topology.tokenizer, held, tags, t);
	const probabilities = await tokenProbabilities(network, encoded.ids, held.length, t, k);
	onProgress?.({ fraction: 0.8, label: 'Scores per tag, baselines and mistakes' });
	const scored = tokenScores(sentences, split.holdout, probabilities, t, tags);
	const firstRow = new Int32Array(sentences.length);
	for (let i = 1; i < sentences.length; i++) firstRow[i] = firstRow[i - 1] + sentences[i - 1].tokens.length;
	const holdout = Int32Array.from(scored.tokens, (w) => firstRow[w.sentence] + w.position);
	const texts: (string | null)[] = new Array(table.rowCount).fill(null);
	scored.tokens.forEach((w, i) => (texts[holdout[i]] = w.context));
	const tagIndex = new Map(tags.map((g, i) => [g, i]));
	const trainTruth = Int32Array.from([...split.train, ...split.validation].flatMap((i) => sentences[i].tags.map((g) => tagIndex.get(g) ?? -1)));
	const predicted = argmax(scored.probabilities, k);
	return textRunEvaluation({
		runId: request.runId,
		target: config.target,
		column: topology.column,
		texts,
		holdout,
		truth: scored.truth,
		probabilities: scored.probabilities,
		classes: tags,
		trainTruth,
		seed: config.seed,
		topWords: predictedClassWords(scored.tokens.map((w) => w.token), predicted, tags, 12, 2),
		topWordsMethod: 'tokens over-represented among the holdout tokens the tagger gives the tag (smoothed log-odds)',
		startedAt: started
	});
}
