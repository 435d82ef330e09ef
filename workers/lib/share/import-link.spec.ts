import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelArtifacts, Preprocessing, Table, TrainConfig } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { findColumn, inferTask } from '$shared/table';
import type { Pipeline } from '$workers/lib/data/pipeline';
import { classicConfig } from '$workers/lib/model-lab/config';
import { trainClassic } from '$workers/lib/model-lab/train-classic';
import { defaultParams } from '$workers/lib/models';
import type { ClassicSpec } from '$workers/lib/models/types';
import { predictTable } from '$workers/lib/predict';
import { trainModel } from '$workers/lib/train';
import { predictTextLinear, trainTextLinear } from '$workers/lib/text/linear-text';
import { predictTextModel } from '$workers/lib/text/nn/predict';
import { loadTextModel, serialiseTextModel } from '$workers/lib/text/nn/serialise';
import { TextModel } from '$workers/lib/text/nn/text-model';
import type { TextModelConfig } from '$workers/lib/text/nn/config';
import { TEXT_RUN_FORMAT, type TextRunTopology } from '$workers/lib/text/text-run';
import { textsAndLabels } from '$workers/lib/text/text.spec-support';
import { createTokenizer, fitTokenizer } from '$workers/lib/text/tokenizer';
import { DEFAULT_WORD_OPTIONS } from '$workers/lib/text/word-tokenizer';
import { buildCnn } from '$workers/lib/vision/cnn';
import { predictProbabilities } from '$workers/lib/vision/evaluate';
import { gradCam } from '$workers/lib/vision/explain';
import { cnnPreset } from '$workers/lib/vision/presets';
import { loadImageSet, slice } from '$workers/lib/vision/vision.spec-support';
import { serializeModel } from '$workers/lib/model';
import { importedModel, type ImportedModel } from './import-link';
import { headOf, makeImageSharePayload, makeTextSharePayload } from './media-payload';
import { mediaPredictor } from './page-media';
import { runtime } from './runtime';
import { convRuntime } from './runtime-conv';
import { createSharePredictor } from './runtime-share';
import { textRuntime } from './runtime-text';
import { decodeShareLink, encodeShareLink, packPayload } from './share-link';
import { treesPayload, pipelinePayload } from './share-kinds-arbitraries.spec-support';
import { payload as densePayload } from './share-arbitraries.spec-support';
import { runSharePayload } from './share-run';
import { loadDataset, penguinPipeline, pipelineFeatures, rawRows, useCpu } from './share.spec-support';
import type { SharePayload } from './types';

beforeAll(useCpu);

const demo = () => ({ title: 'import', description: '', examples: [] });
const link = (p: SharePayload) => decodeShareLink(encodeShareLink(p));
const encodingOf = (m: ImportedModel) => m.pipeline ?? m.preprocessing!;

/**
 * Kiln's own predictions of the imported model on every row against the link runtime's on the
 * same raw text: labels identical, probabilities (and regression values, relative) within `tol`.
 */
async function sameAsLink(decoded: SharePayload, imported: ImportedModel, table: Table, features: string[], tol: number): Promise<number> {
	const own = await predictTable(imported.artifacts, encodingOf(imported), table);
	const linkPredictor = createSharePredictor(decoded);
	let worst = 0;
	rawRows(table, features).forEach((row, r) => {
		const p = linkPredictor.predict(row);
		if (own.probabilities) {
			expect(own.predictions[r]).toBe(p.label);
			p.probabilities!.forEach((v, c) => (worst = Math.max(worst, Math.abs(v - own.probabilities![r][c]))));
		} else {
			const want = Number(own.predictions[r]);
			worst = Math.max(worst, Math.abs(p.value! - want) / Math.max(1, Math.abs(want)));
		}
	});
	expect(worst).toBeLessThan(tol);
	return worst;
}

/** The imported run shared again (float32, so the link's dequantised weights travel as they are) predicts as the first link. */
function sameWhenSharedAgain(decoded: SharePayload, imported: ImportedModel, table: Table, features: string[]): void {
	const again = link(runSharePayload({ artifacts: imported.artifacts, preprocessing: imported.preprocessing, pipeline: imported.pipeline }, demo, 'float32'));
	const a = createSharePredictor(decoded);
	const b = createSharePredictor(again);
	let worst = 0;
	for (const row of rawRows(table, features)) {
		const x = a.predict(row);
		const y = b.predict(row);
		expect(y.label).toBe(x.label);
		if (x.probabilities) x.probabilities.forEach((v, c) => (worst = Math.max(worst, Math.abs(v - y.probabilities![c]))));
		else worst = Math.max(worst, Math.abs(x.value! - y.value!) / Math.max(1, Math.abs(x.value!)));
	}
	expect(worst).toBeLessThan(1e-6);
}

const base = (table: Table, target: string, features?: string[]) => ({
	target,
	task: inferTask(findColumn(table, target)),
	features: features ?? table.columns.map((c) => c.name).filter((n) => n !== target),
	seed: 5,
	holdoutFraction: 0.2,
	validationFraction: 0.1
});

async function classic(table: Table, target: string, spec: ClassicSpec, pipeline?: Pipeline, features?: string[]) {
	const result = await trainClassic(table, classicConfig(base(table, target, features), spec), pipeline ? { pipeline } : {});
	return { artifacts: result.model, preprocessing: result.preprocessing, pipeline: result.pipeline };
}

describe('"Import into my studio": a table link comes back as a run Kiln predicts with as the link does', () => {
	const penguins = () => loadDataset('penguins.csv');
	it.each([
		['linear (solver-fitted, a float32 layer)', 'species', { family: 'linear', params: defaultParams('linear', 'classification') }],
		['tree', 'species', { family: 'tree', params: defaultParams('tree', 'classification') }],
		['forest (20 trees)', 'species', { family: 'forest', params: { ...defaultParams('forest', 'classification'), nTrees: 20 } }],
		['boosting (softmax)', 'species', { family: 'boosting', params: { ...defaultParams('boosting', 'classification'), maxIter: 20 } }],
		['boosting (binary)', 'sex', { family: 'boosting', params: { ...defaultParams('boosting', 'classification'), maxIter: 15 } }],
		['regression tree', 'body_mass_g', { family: 'tree', params: { ...defaultParams('tree', 'regression'), maxDepth: 6 } }],
		['regression boosting', 'body_mass_g', { family: 'boosting', params: { ...defaultParams('boosting', 'regression'), maxIter: 15 } }]
	] as [string, string, ClassicSpec][])('%s on penguins %s', async (name, target, spec) => {
		const table = penguins();
		const features = base(table, target).features;
		const decoded = link(runSharePayload(await classic(table, target, spec), demo));
		const imported = await importedModel(decoded);
		expect(imported.kind).toBe(spec.family === 'linear' ? 'network' : 'classic');
		if (imported.classic) expect(imported.classic.family).toBe(spec.family);
		const worst = await sameAsLink(decoded, imported, table, features, 1e-6);
		sameWhenSharedAgain(decoded, imported, table, features);
		console.log(`import ${name}: Kiln vs link worst ${worst.toExponential(2)} on ${table.rowCount} rows`);
	});

	it('an int8 MLP on the built-in encoding and Prepare-pipeline runs (forest, MLP): the pipeline comes back and replays', async () => {
		const table = penguins();
		const mlpConfig: TrainConfig = { ...DEFAULT_CONFIG, ...base(table, 'species'), epochs: 5, hiddenLayers: [8] };
		const mlp = await trainModel(table, mlpConfig);
		const plain = link(runSharePayload({ artifacts: mlp.model, preprocessing: mlp.preprocessing }, demo));
		const a = await sameAsLink(plain, await importedModel(plain), table, mlpConfig.features, 1e-6);

		const forest = link(runSharePayload(await classic(table, 'species', { family: 'forest', params: { ...defaultParams('forest', 'classification'), nTrees: 15 } }, penguinPipeline, pipelineFeatures), demo));
		const importedForest = await importedModel(forest);
		expect(importedForest.preprocessing).toBeUndefined();
		expect(importedForest.inputs!.map((i) => i.name).sort()).toEqual([...pipelineFeatures].sort());
		const b = await sameAsLink(forest, importedForest, table, pipelineFeatures, 1e-6);
		sameWhenSharedAgain(forest, importedForest, table, pipelineFeatures);

		const piped = await trainModel(table, { ...mlpConfig, features: pipelineFeatures }, { pipeline: penguinPipeline });
		const net = link(runSharePayload({ artifacts: piped.model, pipeline: piped.pipeline }, demo));
		const importedNet = await importedModel(net);
		const c = await sameAsLink(net, importedNet, table, pipelineFeatures, 1e-6);
		sameWhenSharedAgain(net, importedNet, table, pipelineFeatures);
		console.log(`import int8 MLP ${a.toExponential(2)}, pipeline forest ${b.toExponential(2)}, pipeline int8 MLP ${c.toExponential(2)}`);
	});
});

const SENTENCES = ['The battery lasts all day and the screen is great!', 'Terrible. It broke after two days, a waste of money.', 'Not bad for the price, 10/10 would buy again 🙂', 'zzqx blorf qqwv', '', 'great great battery battery great screen money'];

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
	let m = 0;
	for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
	return m;
}

describe('"Import into my studio" for text links (int8): Kiln predicts with the stored text run as the link does', () => {
	const { texts, labels } = textsAndLabels('sentiment.csv', 'text', 'sentiment');
	const train = texts.slice(0, 400);
	const classes = [...new Set(labels)].sort();
	const y = Int32Array.from(labels.slice(0, 400), (l) => classes.indexOf(l));
	const prep: Preprocessing = { features: [], target: { name: 'sentiment', task: 'classification', classes }, inputSize: 0 };
	const textDemo = { title: 'Sentiment', description: '', examples: [{ text: SENTENCES[0] }] };
	const tokenizer = () => fitTokenizer({ kind: 'word', options: DEFAULT_WORD_OPTIONS, maxVocabulary: 600, minCount: 1 }, train);

	async function check(artifacts: ModelArtifacts, name: string) {
		const decoded = link(makeTextSharePayload(artifacts, prep, textDemo));
		const linkPredictor = mediaPredictor(runtime, convRuntime, textRuntime, headOf(decoded), decoded.preprocessing, decoded.media!, decoded.demo.labelNames);
		const imported = await importedModel(decoded);
		expect(imported.kind).toBe('text');
		expect(imported.text!.column).toBe('text');
		const topology = imported.artifacts.modelTopology as TextRunTopology;
		let kiln: { probabilities: Float32Array; predicted: Int32Array };
		if (topology.kind === 'linear') kiln = predictTextLinear(topology.linear, SENTENCES);
		else {
			const model = loadTextModel({ modelTopology: topology.network, weightSpecs: imported.artifacts.weightSpecs, weightData: imported.artifacts.weightData });
			kiln = await predictTextModel(model, createTokenizer(topology.tokenizer), SENTENCES);
			model.dispose();
		}
		const k = classes.length;
		let worst = 0;
		SENTENCES.forEach((s, i) => {
			const ours = linkPredictor.predictText(s);
			expect(classes[kiln.predicted[i]]).toBe(ours.label);
			worst = Math.max(worst, maxDiff(ours.probabilities, kiln.probabilities.subarray(i * k, (i + 1) * k)));
		});
		expect(worst).toBeLessThan(1e-6);
		// Shared again from the studio, it is the same model.
		const again = link(makeTextSharePayload(imported.artifacts, imported.preprocessing!, textDemo, 'float32'));
		const b = mediaPredictor(runtime, convRuntime, textRuntime, headOf(again), again.preprocessing, again.media!);
		for (const s of SENTENCES) expect(maxDiff(b.predictText(s).probabilities, linkPredictor.predictText(s).probabilities)).toBeLessThan(1e-6);
		console.log(`import text ${name}: Kiln vs link worst |Δp| ${worst.toExponential(2)}`);
	}

	it('TF-IDF + logistic regression', async () => {
		const linear = trainTextLinear(train, y, classes, { kind: 'logistic', tfidf: { tokenizer: DEFAULT_WORD_OPTIONS, maxFeatures: 2000, minDf: 1, ngrams: 2, sublinear: true }, l2: 'auto', maxIterations: 60, alpha: 1 });
		await check({ modelTopology: { format: TEXT_RUN_FORMAT, version: 1, column: 'text', kind: 'linear', linear }, weightSpecs: [], weightData: new ArrayBuffer(0) }, 'TF-IDF');
	});

	it.each([
		['embedding-bag', { family: 'embedding-bag', hidden: 12 }],
		['1-D CNN', { family: 'cnn', filters: 5, kernelSizes: [2, 3] }],
		['LSTM', { family: 'rnn', cell: 'lstm', units: 6, bidirectional: false }],
		['bidirectional GRU', { family: 'rnn', cell: 'gru', units: 5, bidirectional: true }]
	] as [string, Partial<TextModelConfig>][])('%s network (seeded weights)', async (name, family) => {
		const tok = tokenizer();
		const network = new TextModel({ task: 'sequence', vocabularySize: tok.vocabulary.length, classes: classes.length, maxLength: 10, embeddingDim: 16, trainEmbedding: true, dropout: 0, seed: 4, ...family } as TextModelConfig);
		const saved = await serialiseTextModel(network);
		network.dispose();
		await check({ modelTopology: { format: TEXT_RUN_FORMAT, version: 1, column: 'text', kind: 'neural', tokenizer: tok, network: saved.modelTopology }, weightSpecs: saved.weightSpecs, weightData: saved.weightData }, name);
	});
});

describe('"Import into my studio" for image links (int8): the rebuilt tfjs CNN predicts as the link does', () => {
	it.each([
		['mixed layers (separable, depthwise, pools, batch-norm, relu6)', 'mixed'],
		['tiny preset (global pooling)', 'tiny']
	])('%s', async (name, which) => {
		const shape = { height: 28, width: 28, channels: 1 };
		const spec = which === 'tiny' ? cnnPreset('tiny', shape, 10) : {
			input: shape, classes: 10,
			layers: [
				{ type: 'conv2d', filters: 6, kernel: 3, stride: 2, activation: 'relu' },
				{ type: 'batchNorm' },
				{ type: 'separableConv2d', filters: 8, kernel: [3, 2], activation: 'elu' },
				{ type: 'avgPool', size: 2, padding: 'same' },
				{ type: 'depthwiseConv2d', kernel: 3, padding: 'valid', activation: 'relu6', depthMultiplier: 2 },
				{ type: 'maxPool', size: 3, stride: 2, padding: 'same' },
				{ type: 'flatten' },
				{ type: 'dense', units: 12, activation: 'relu' }
			]
		} as Parameters<typeof buildCnn>[0];
		const built = buildCnn(spec, 3);
		const artifacts = await serializeModel(built);
		built.dispose();
		const classes = Array.from({ length: 10 }, (_, i) => String(i));
		const prep: Preprocessing = { features: [], target: { name: 'label', task: 'classification', classes }, inputSize: 0, image: shape };
		const decoded = link(makeImageSharePayload(artifacts, prep, demo()));
		const imported = await importedModel(decoded);
		expect(imported.kind).toBe('image');
		const model = await tfl.loadLayersModel(tf.io.fromMemory(imported.artifacts));
		const set = slice(loadImageSet('digits-28.kimg.gz'), 1000, 1012);
		const images = await set.source.getBatch(Int32Array.from({ length: 12 }, (_, i) => i));
		const kiln = await predictProbabilities(model, images, 12);
		// Predict's explanation of an image runs on the rebuilt model too.
		const maps = gradCam(model, images.subarray(0, 784), 1);
		expect(maps.maps.length).toBe(maps.height * maps.width);
		expect(maps.maps.every((v) => Number.isFinite(v))).toBe(true);
		model.dispose();
		const p = mediaPredictor(runtime, convRuntime, textRuntime, headOf(decoded), decoded.preprocessing, decoded.media!);
		let worst = 0;
		for (let i = 0; i < 12; i++) {
			const ours = p.predictPixels(images.subarray(i * 784, (i + 1) * 784));
			const row = kiln.subarray(i * 10, i * 10 + 10);
			expect(classes[row.indexOf(Math.max(...row))]).toBe(ours.label);
			worst = Math.max(worst, maxDiff(ours.probabilities, row));
		}
		expect(worst).toBeLessThan(1e-6);
		const again = link(makeImageSharePayload(imported.artifacts, prep, demo(), 'float32'));
		expect(again.media).toEqual(decoded.media && { ...decoded.media, layers: again.media!.kind === 'image' ? again.media!.layers : [] });
		console.log(`import image ${name}: Kiln (tfjs) vs link worst |Δp| ${worst.toExponential(2)}`);
	}, 60_000);
});

describe('"Import into my studio" never crashes on what a link decodes to', () => {
	it('every valid dense, tree and pipeline payload imports or is refused with a Kiln error (300 cases)', async () => {
		await fc.assert(
			fc.asyncProperty(fc.oneof(densePayload, treesPayload, pipelinePayload), async (p) => {
				try {
					const decoded = link(p);
					const imported = await importedModel(decoded);
					expect(imported.artifacts.weightData).toBeInstanceOf(ArrayBuffer);
				} catch (e) {
					expect(e).toBeInstanceOf(KilnError);
				}
			}),
			{ numRuns: 300, seed: 11 }
		);
	}, 60_000);
});

describe('"Import into my studio" on damaged image and text links', () => {
	it('byte flips anywhere in image and text links (600 cases): decoding fails with ShareLinkError, or the import succeeds or is refused with a Kiln error', async () => {
		const built = buildCnn({ input: { height: 8, width: 8, channels: 1 }, classes: 3, layers: [{ type: 'conv2d', filters: 2, kernel: 3, activation: 'relu' }, { type: 'maxPool', size: 2 }, { type: 'flatten' }] }, 1);
		const cnn = await serializeModel(built);
		built.dispose();
		const classes = ['a', 'b', 'c'];
		const image = makeImageSharePayload(cnn, { features: [], target: { name: 'label', task: 'classification', classes }, inputSize: 0, image: { height: 8, width: 8, channels: 1 } }, demo());
		const { texts } = textsAndLabels('sentiment.csv', 'text', 'sentiment');
		const tok = fitTokenizer({ kind: 'word', options: DEFAULT_WORD_OPTIONS, maxVocabulary: 40, minCount: 1 }, texts.slice(0, 50));
		const network = new TextModel({ task: 'sequence', family: 'cnn', vocabularySize: tok.vocabulary.length, classes: 3, maxLength: 6, embeddingDim: 4, trainEmbedding: true, dropout: 0, seed: 2, filters: 2, kernelSizes: [2, 3] });
		const saved = await serialiseTextModel(network);
		network.dispose();
		const text = makeTextSharePayload({ modelTopology: { format: TEXT_RUN_FORMAT, version: 1, column: 'text', kind: 'neural', tokenizer: tok, network: saved.modelTopology }, weightSpecs: saved.weightSpecs, weightData: saved.weightData }, { features: [], target: { name: 'y', task: 'classification', classes }, inputSize: 0 }, demo());
		const packed = [packPayload(image), packPayload(text)];
		let imported = 0;
		await fc.assert(
			fc.asyncProperty(fc.nat(1), fc.array(fc.tuple(fc.nat(1 << 20), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }), async (which, flips) => {
				const bytes = packed[which].slice();
				for (const [i, v] of flips) bytes[i % bytes.length] = v;
				let decoded: SharePayload;
				try {
					decoded = decodeShareLink(Buffer.from(deflateSync(bytes)).toString('base64url'));
				} catch (e) {
					expect((e as Error).name).toBe('ShareLinkError');
					return;
				}
				try {
					await importedModel(decoded);
					imported++;
				} catch (e) {
					expect(e).toBeInstanceOf(KilnError);
				}
			}),
			{ numRuns: 600, seed: 5 }
		);
		console.log(`damaged media links: ${imported} of 600 still decoded and imported`);
	}, 60_000);
});
