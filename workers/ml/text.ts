import * as Comlink from 'comlink';
import { getCheckpoint, getDataset, getModel, loadTable, saveCheckpoint } from '$lib/db';
import { errorMessage, KilnError } from '$shared/errors';
import type { JobEvent, TextMlApi, TextNeuralSettings, TextPrediction, TextTfidfSettings, TrainConfig, TrainRequest, TrainResult } from '../protocol';
import { registerWasmKernels } from '../lib/kernels/register';
import { classificationMetrics } from '../lib/metrics';
import { checkSplit, threeWaySplit } from '../lib/split';
import { encodeLabels } from '../lib/text/labels';
import { explainTextLinear, predictTextLinear, trainTextLinear, type TextLinearSpec } from '../lib/text/linear-text';
import { DEFAULT_BPE_OPTIONS, createTokenizer, type TokenizerSpec } from '../lib/text/tokenizer';
import { DEFAULT_WORD_OPTIONS } from '../lib/text/word-tokenizer';
import { trainTagger, trainTextClassifier, type TextModelChoice, type TextRunConfig } from '../lib/text/nn/run';
import { taggedSentences } from '../lib/text/tagging';
import { loadTextModel } from '../lib/text/nn/serialise';
import { predictTextModel } from '../lib/text/nn/predict';
import { encodeTexts } from '../lib/text/nn/sequences';
import { gradientTimesInput, integratedGradients } from '../lib/text/nn/attributions';
import { columnStrings, readTextRun, textSettingsOf, TEXT_RUN_FORMAT, type TextRunTopology } from './text-artifacts';
import { ensureBackend } from './backend';
import { shippedVectors } from './text-vectors';
import { predictTextFile } from './text-file';

/** A closed tab loses at most this much training. */
const CHECKPOINT_MS = 2000;

async function startBackend(onEvent?: (event: JobEvent) => void) {
	const { backend, note } = await ensureBackend();
	// Embedding and convolution gradients need kernels tfjs-backend-wasm lacks.
	if (backend === 'wasm') registerWasmKernels();
	onEvent?.({ type: 'backend', backend, note });
	if (note) onEvent?.({ type: 'log', message: note });
	return backend;
}

function tfidfSpec(s: TextTfidfSettings): TextLinearSpec {
	return {
		kind: s.classifier,
		tfidf: { tokenizer: DEFAULT_WORD_OPTIONS, maxFeatures: s.maxFeatures, minDf: s.minDf, ngrams: s.ngrams as 1 | 2 | 3, sublinear: s.sublinear },
		l2: 'auto',
		maxIterations: 200,
		alpha: 0.1
	};
}

/** The library's run config from the person's settings and the shared training fields. */
export function neuralRunConfig(s: TextNeuralSettings, config: TrainConfig): TextRunConfig {
	const tokenizer: TokenizerSpec =
		s.tokenizer === 'bpe' ? { kind: 'bpe', options: DEFAULT_BPE_OPTIONS, vocabularySize: s.vocabularySize, minFrequency: 2 } : { kind: 'word', options: DEFAULT_WORD_OPTIONS, maxVocabulary: s.vocabularySize, minCount: 1 };
	const common = { embeddingDim: s.embeddingDim, trainEmbedding: s.pretrained ? s.pretrained.fineTune : true, dropout: s.dropout };
	const model: TextModelChoice =
		s.family === 'embedding-bag'
			? { family: 'embedding-bag', hidden: s.width, ...common }
			: s.family === 'cnn'
				? { family: 'cnn', filters: s.width, kernelSizes: s.kernelSizes, ...common }
				: s.family === 'rnn'
					? { family: 'rnn', cell: s.cell, units: s.width, bidirectional: s.bidirectional, ...common }
					: { family: 'transformer', layers: s.layers, heads: s.heads, ffDim: s.width, ...common };
	return {
		tokenizer,
		maxLength: s.maxLength,
		model,
		pretrained: !!s.pretrained,
		train: { epochs: config.epochs, batchSize: config.batchSize, learningRate: config.learningRate, patience: config.patience, clipNorm: 1, seed: config.seed },
		holdoutFraction: config.holdoutFraction,
		validationFraction: config.validationFraction
	};
}

const targetOf = (config: TrainConfig, classes: string[]) => ({ features: [], target: { name: config.target, task: 'classification' as const, classes }, inputSize: 0 });

function trainLinear(texts: (string | null)[], labels: (string | null)[], config: TrainConfig, s: TextTfidfSettings, onEvent: (event: JobEvent) => void): Omit<TrainResult, 'backend'> {
	const started = performance.now();
	const { classes, y, rows, unlabelled } = encodeLabels(labels, config.target);
	const split = threeWaySplit(rows, config.holdoutFraction, 0, config.seed, y);
	checkSplit(split, false);
	const labelOf = new Int32Array(texts.length).fill(-1);
	rows.forEach((r, i) => (labelOf[r] = y[i]));
	const spec = tfidfSpec(s);
	const model = trainTextLinear(
		Array.from(split.train, (r) => texts[r]),
		Int32Array.from(split.train, (r) => labelOf[r]),
		classes,
		spec,
		{ onIteration: (i) => onEvent({ type: 'progress', fraction: Math.min(0.99, i / spec.maxIterations), epoch: 1, epochs: 1, batch: i, batches: spec.maxIterations }) }
	);
	const out = predictTextLinear(model, Array.from(split.holdout, (r) => texts[r]));
	const metrics = classificationMetrics(Int32Array.from(split.holdout, (r) => labelOf[r]), out.predicted, classes);
	onEvent({ type: 'log', message: `${model.tfidf.terms.length.toLocaleString('en-US')} TF-IDF terms; ${s.classifier === 'logistic' ? `L-BFGS stopped after ${model.iterations} iterations` : 'naive Bayes counts fitted'}.` });
	onEvent({ type: 'progress', fraction: 1, epoch: 1, epochs: 1, batch: 1, batches: 1 });
	const durationMs = performance.now() - started;
	const topology: TextRunTopology = { format: TEXT_RUN_FORMAT, version: 1, column: textSettingsOf(config).column, kind: 'linear', linear: model };
	return {
		model: { modelTopology: topology, weightSpecs: [], weightData: new ArrayBuffer(0) },
		preprocessing: targetOf(config, classes),
		metrics,
		history: [],
		trainRows: split.train.length,
		validationRows: 0,
		holdoutRows: split.holdout.length,
		droppedRows: unlabelled,
		durationMs,
		samplesPerSecond: split.train.length / Math.max(1e-3, durationMs / 1000),
		bestEpoch: 0,
		stoppedEarly: false
	};
}

export async function trainText({ runId, datasetId, config, resume }: TrainRequest, onEvent: (event: JobEvent) => void): Promise<TrainResult> {
	const settings = textSettingsOf(config);
	const backend = await startBackend(onEvent);
	const table = await loadTable(await getDataset(datasetId));
	const texts = columnStrings(table, settings.column, 'text column');
	const labels = columnStrings(table, config.target, 'target');
	if (settings.model.family === 'tfidf') {
		if (settings.tagging) throw new KilnError('ValidationError', 'A tagger is a network: pick a recurrent, transformer, CNN or embedding-bag model.');
		const result = trainLinear(texts, labels, config, settings.model, onEvent);
		return { ...result, backend };
	}
	const checkpoint = resume ? (await getCheckpoint(runId)).checkpoint : undefined;
	const vectors = settings.model.pretrained ? await shippedVectors(settings.model.pretrained.url, onEvent) : undefined;
	const runConfig = neuralRunConfig(settings.model, config);
	const tagged = settings.tagging ? taggedSentences(table, { sentence: settings.tagging.sentence, token: settings.column, tag: config.target }) : null;
	const train = (options: Parameters<typeof trainTextClassifier>[3]) => (tagged ? trainTagger(tagged.sentences, tagged.tags, runConfig, options) : trainTextClassifier(texts, labels, runConfig, options));
	const run = await train({
		onEvent,
		vectors,
		resume: checkpoint,
		checkpointInterval: CHECKPOINT_MS,
		onCheckpoint: async (c) => {
			// A failed checkpoint write (a full disk) must not stop training; the page says so.
			try {
				if (await saveCheckpoint(runId, c)) onEvent({ type: 'checkpoint', epoch: c.epoch });
			} catch (error) {
				onEvent({ type: 'checkpoint', epoch: c.epoch, problem: errorMessage(error) });
			}
		}
	});
	for (const message of run.warnings) onEvent({ type: 'log', message });
	const topology: TextRunTopology = { format: TEXT_RUN_FORMAT, version: 1, column: settings.column, kind: 'neural', tokenizer: run.tokenizer, network: run.model.modelTopology };
	const epochs = Math.max(1, run.history.length);
	const result: TrainResult = {
		model: { modelTopology: topology, weightSpecs: run.model.weightSpecs, weightData: run.model.weightData },
		preprocessing: targetOf(config, run.classes),
		metrics: run.metrics,
		history: run.history,
		backend,
		trainRows: run.trainRows,
		validationRows: run.validationRows,
		holdoutRows: run.holdoutRows,
		droppedRows: run.droppedRows,
		durationMs: run.trainingMs,
		samplesPerSecond: (run.trainRows * epochs) / Math.max(1e-3, run.trainingMs / 1000),
		bestEpoch: run.bestEpoch,
		stoppedEarly: run.stoppedEarly
	};
	return Comlink.transfer(result, [result.model.weightData]);
}

const MAX_PREDICT_CHARS = 100_000;

async function predictNeural(topology: Extract<TextRunTopology, { kind: 'neural' }>, weights: { weightSpecs: TrainResult['model']['weightSpecs']; weightData: ArrayBuffer }, classes: string[], text: string): Promise<TextPrediction> {
	await startBackend();
	const model = loadTextModel({ weightSpecs: weights.weightSpecs, weightData: weights.weightData, modelTopology: topology.network });
	try {
		const tokenizer = createTokenizer(topology.tokenizer);
		const out = await predictTextModel(model, tokenizer, [text]);
		if (model.config.task === 'token') return tagText(out, classes);
		const best = out.predicted[0];
		const ids = encodeTexts(tokenizer, [text], model.config.maxLength).ids;
		// Layer norm makes gradient × input unreliable for the transformer (see attributions.ts).
		const transformer = model.config.family === 'transformer';
		const weightsPerToken = transformer ? (await integratedGradients(model, ids, best, 16)).attributions : await gradientTimesInput(model, ids, best);
		const tokens = out.tokens[0].map((token, i) => ({ token, weight: weightsPerToken[i] ?? 0 }));
		return { classes, probabilities: Array.from(out.probabilities), predicted: classes[best], tokens, method: transformer ? 'integrated gradients (16 steps) towards the predicted class' : 'gradient × input towards the predicted class', warnings: out.warnings };
	} finally {
		model.dispose();
	}
}

/** A tagger's answer on typed text: the tag of each token read, with its probability. */
function tagText(out: Awaited<ReturnType<typeof predictTextModel>>, classes: string[]): TextPrediction {
	const k = classes.length;
	const tags = out.tokens[0].map((token, j) => {
		const best = out.predicted[j];
		return { token, tag: classes[best] ?? '', probability: out.probabilities[j * k + best] ?? 0 };
	});
	const counts = classes.map((c) => tags.filter((t) => t.tag === c).length);
	return { classes, probabilities: counts.map((n) => n / Math.max(1, tags.length)), predicted: tags[0]?.tag ?? '', tokens: [], tags, method: 'one tag per token, the most probable under the tagger', warnings: out.warnings };
}

export const textHandlers: TextMlApi = {
	trainText,
	predictTextFile,
	async predictText(modelId, text) {
		if (text.length > MAX_PREDICT_CHARS) throw new KilnError('ValidationError', `The text has ${text.length.toLocaleString('en-US')} characters; paste at most ${MAX_PREDICT_CHARS.toLocaleString('en-US')}.`);
		const record = await getModel(modelId);
		const topology = readTextRun(record.artifacts);
		const target = record.preprocessing?.target ?? record.pipeline?.target;
		const classes = target?.task === 'classification' ? target.classes : [];
		if (topology.kind === 'neural') return predictNeural(topology, record.artifacts, classes, text);
		const out = predictTextLinear(topology.linear, [text]);
		const best = out.predicted[0];
		const tokens = explainTextLinear(topology.linear, text, best).map(({ token, contribution }) => ({ token, weight: contribution }));
		return { classes, probabilities: Array.from(out.probabilities), predicted: classes[best], tokens, method: 'TF-IDF value × the word’s weight for the predicted class (relative to the mean class)', warnings: out.warnings };
	}
};
