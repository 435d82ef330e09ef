import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelArtifacts, Preprocessing, Table, TrainConfig } from '$workers/protocol';
import { profileTable } from '$shared/table';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { readBundle, writeBundle } from '$workers/lib/share/bundle';
import { tableChunks } from '$workers/lib/share/bundle.spec-support';
import type { BundleData } from '$workers/lib/share/types';
import { useCpu } from '../../../tests/unit-support';
import { predictTextLinear, trainTextLinear } from './linear-text';
import { trainTagger, trainTextClassifier } from './nn/run';
import { loadTextModel } from './nn/serialise';
import { predictTextModel } from './nn/predict';
import { createTokenizer, DEFAULT_BPE_OPTIONS } from './tokenizer';
import { refuseTextRun, TEXT_RUN_FORMAT, type TextRunTopology } from './text-run';
import { DEFAULT_WORD_OPTIONS } from './word-tokenizer';

beforeAll(useCpu);

const good = ['good film', 'great acting', 'lovely story', 'good cast', 'great film', 'lovely acting', 'good story', 'great cast', 'superb film', 'good fun'];
const bad = ['bad film', 'awful acting', 'dull story', 'bad cast', 'awful film', 'dull acting', 'bad story', 'awful cast', 'boring film', 'bad fun'];
const texts = [...good, ...bad];
const labels = [...good.map(() => 'pos'), ...bad.map(() => 'neg')];
const probe = ['good good film', 'awful dull cast', 'never seen words', ''];
const classes = ['neg', 'pos'];
const preprocessing: Preprocessing = { features: [], target: { name: 'label', task: 'classification', classes }, inputSize: 0 };

function categorical(name: string, values: string[]) {
	const categories = [...new Set(values)];
	return { name, kind: 'categorical' as const, categories, codes: Int32Array.from(values, (v) => categories.indexOf(v)) };
}

function bundleWith(models: ModelArtifacts[]): BundleData {
	const columns = [categorical('text', texts), categorical('label', labels)];
	const table: Table = { rowCount: texts.length, columns };
	const config = { ...DEFAULT_CONFIG, target: 'label', task: 'classification', features: [], text: { column: 'text', model: { family: 'tfidf', classifier: 'logistic', ngrams: 1, maxFeatures: 100, minDf: 1, sublinear: false } } } as TrainConfig;
	const at = Date.UTC(2026, 10, 26);
	return {
		project: { id: 'p', name: 'Reviews', createdAt: at, updatedAt: at, datasetId: 'd', target: 'label', task: 'classification', lastConfig: config },
		datasets: [{ id: 'd', projectId: 'p', name: 'Reviews', fileName: 'reviews.csv', source: 'upload', rowCount: table.rowCount, columns: columns.map((c) => ({ name: c.name, kind: c.kind, categories: c.categories })), profile: profileTable(table), chunkRows: 64, chunkCount: 1, bytes: 160, createdAt: at, chunks: tableChunks(table, 64) }],
		runs: models.map((_, i) => ({ id: `r${i}`, projectId: 'p', datasetId: 'd', config, status: 'done' as const, createdAt: at, finishedAt: at, history: [], modelId: `m${i}` })),
		models: models.map((artifacts, i) => ({ id: `m${i}`, runId: `r${i}`, projectId: 'p', createdAt: at, artifacts, preprocessing }))
	};
}

async function trainedRuns(): Promise<ModelArtifacts[]> {
	const linear = trainTextLinear(texts, Int32Array.from(labels, (l) => classes.indexOf(l)), classes, { kind: 'logistic', tfidf: { tokenizer: DEFAULT_WORD_OPTIONS, maxFeatures: 100, minDf: 1, ngrams: 2, sublinear: true }, l2: 'auto', maxIterations: 50, alpha: 0.1 });
	const linearRun: TextRunTopology = { format: TEXT_RUN_FORMAT, version: 1, column: 'text', kind: 'linear', linear };
	const run = await trainTextClassifier(texts, labels, {
		tokenizer: { kind: 'bpe', options: DEFAULT_BPE_OPTIONS, vocabularySize: 300, minFrequency: 1 },
		maxLength: 8,
		model: { family: 'embedding-bag', hidden: 8, embeddingDim: 8, trainEmbedding: true, dropout: 0 },
		pretrained: false,
		train: { epochs: 5, batchSize: 8, learningRate: 0.05, patience: 0, clipNorm: 1, seed: 3 },
		holdoutFraction: 0.2,
		validationFraction: 0
	});
	const neuralRun: TextRunTopology = { format: TEXT_RUN_FORMAT, version: 1, column: 'text', kind: 'neural', tokenizer: run.tokenizer, network: run.model.modelTopology };
	// A tagger with two tags, so the same preprocessing fits it.
	const sentences = texts.map((t) => ({ tokens: t.split(' '), tags: t.split(' ').map((_, j) => (j === 0 ? 'neg' : 'pos')) })).filter((_, i) => i % 2 === 0);
	const tagger = await trainTagger(sentences, classes, {
		tokenizer: { kind: 'word', options: DEFAULT_WORD_OPTIONS, maxVocabulary: 100, minCount: 1 },
		maxLength: 4,
		model: { family: 'rnn', cell: 'gru', units: 4, bidirectional: true, embeddingDim: 4, trainEmbedding: true, dropout: 0 },
		pretrained: false,
		train: { epochs: 2, batchSize: 4, learningRate: 0.05, patience: 0, clipNorm: 1, seed: 3 },
		holdoutFraction: 0.2,
		validationFraction: 0
	});
	const taggerRun: TextRunTopology = { format: TEXT_RUN_FORMAT, version: 1, column: 'token', kind: 'neural', tokenizer: tagger.tokenizer, network: tagger.model.modelTopology };
	return [
		{ modelTopology: linearRun, weightSpecs: [], weightData: new ArrayBuffer(0) },
		{ modelTopology: neuralRun, weightSpecs: run.model.weightSpecs, weightData: run.model.weightData },
		{ modelTopology: taggerRun, weightSpecs: tagger.model.weightSpecs, weightData: tagger.model.weightData }
	];
}

async function predictWith(artifacts: ModelArtifacts): Promise<Float32Array> {
	const topology = artifacts.modelTopology as TextRunTopology;
	if (topology.kind === 'linear') return predictTextLinear(topology.linear, probe).probabilities;
	const model = loadTextModel({ modelTopology: topology.network, weightSpecs: artifacts.weightSpecs, weightData: artifacts.weightData });
	try {
		return (await predictTextModel(model, createTokenizer(topology.tokenizer), probe)).probabilities;
	} finally {
		model.dispose();
	}
}

describe('text runs in a project bundle', () => {
	it('restore with their TF-IDF vocabulary or tokeniser (classifiers and taggers) and predict exactly the same after import', async () => {
		const models = await trainedRuns();
		const bytes = writeBundle(bundleWith(models), { kilnVersion: 'test' });
		const back = readBundle(bytes);
		expect(back.models).toHaveLength(3);
		for (const [i, m] of back.models.entries()) {
			expect(m.preprocessing).toEqual(preprocessing);
			expect(Array.from(await predictWith(m.artifacts))).toEqual(Array.from(await predictWith(models[i])));
		}
		expect((back.models[1].artifacts.modelTopology as TextRunTopology & { kind: 'neural' }).tokenizer).toEqual((models[1].modelTopology as TextRunTopology & { kind: 'neural' }).tokenizer);
		expect(back.runs[0].config.text?.column).toBe('text');
	});

	it('refuses a damaged text model, naming the field (writeBundle reads its zip back with the importer’s checks)', async () => {
		const [linear, neural] = await trainedRuns();
		const damaged = (artifacts: ModelArtifacts, change: (t: Record<string, unknown>) => void) => {
			const topology = structuredClone(artifacts.modelTopology) as Record<string, unknown>;
			change(topology);
			return writeBundle(bundleWith([{ ...artifacts, modelTopology: topology }]), { kilnVersion: 'test' });
		};
		expect(() => damaged(linear, (t) => (t.linear as { weights: number[] }).weights.pop())).toThrow(/models\/0\/model\.json\.modelTopology\.linear\.weights must have at least/);
		expect(() => damaged(linear, (t) => ((t.linear as { classes: string[] }).classes = ['a', 'b']))).toThrow(/differ from the classes in preprocessing\.json/);
		expect(() => damaged(neural, (t) => (t.tokenizer as { vocabulary: string[] }).vocabulary.splice(0, 1))).toThrow(/modelTopology\.tokenizer is damaged/);
		expect(() => damaged(neural, (t) => ((t.network as { config: { vocabularySize: number } }).config.vocabularySize = 5))).toThrow(/vocabularySize is 5, but the tokeniser has/);
		expect(() => damaged(neural, (t) => ((t as { kind: string }).kind = 'magic'))).toThrow(/modelTopology\.kind must be one of/);
	});

	it('are refused by name on the paths made for table models', () => {
		const topology = { format: TEXT_RUN_FORMAT, version: 1 };
		expect(() => refuseTextRun(topology, 'ONNX / tfjs export and compression')).toThrow(/ONNX \/ tfjs export and compression cover table models; this run is a text classifier.*project bundle/);
		expect(() => refuseTextRun({ format: 'layers-model' }, 'Share links')).not.toThrow();
	});
});
