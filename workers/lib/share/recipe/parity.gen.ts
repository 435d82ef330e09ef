// The Kiln half of scripts/recipe-parity.py (run by scripts/test-scale.sh; not a unit test): from
// the same starting weights and batches, Kiln's own MLP step (workers/lib/mlp/step.ts) takes a few
// optimiser steps; the Python side runs the generated train.py's layers, optimiser, schedule and
// loss on the same batches and must end at the same weights. Dropout is off (its masks are random
// on both sides); everything else an MLP run can use is covered by the cases.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import type { TrainConfig } from '$workers/protocol';
import { buildModel } from '$workers/lib/model';
import { makeMlpStep, makeOptimizer } from '$workers/lib/mlp/step';
import { prepareTraining } from '$workers/lib/train-data';
import { DEFAULT_CONFIG, withConfigDefaults } from '$shared/train-config';
import { resolveMlpOptions, type MlpOptions } from '$shared/mlp-options';
import { loadDataset, useCpu } from '../share.spec-support';
import { exportTrainingRecipe } from './recipe';

const root = process.env.KILN_SCALE_DIR ?? '';
const PENGUINS = ['island', 'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'sex'];
const IRIS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

const cases: { name: string; file: string; config: TrainConfig }[] = [
	{ name: 'tanh-bn-sgd-nesterov-step-warmup-class-weights', file: 'penguins.csv', config: { ...DEFAULT_CONFIG, target: 'species', task: 'classification', features: PENGUINS, hiddenLayers: [8, 6], learningRate: 0.05, balance: 'class-weights', mlp: { activation: 'tanh', batchNorm: true, optimizer: 'sgd', momentum: 0.9, nesterov: true, schedule: 'step', stepEvery: 1, stepFactor: 0.5, warmupEpochs: 1 } } },
	{ name: 'gelu-bn-adamw-cosine-regression', file: 'penguins.csv', config: { ...DEFAULT_CONFIG, target: 'body_mass_g', task: 'regression', features: ['species', ...PENGUINS], hiddenLayers: [8], learningRate: 0.02, mlp: { activation: 'gelu', batchNorm: true, optimizer: 'adamw', weightDecay: 0.1, schedule: 'cosine' } } },
	{ name: 'sigmoid-sgd-cosine-warmup', file: 'iris.csv', config: { ...DEFAULT_CONFIG, target: 'species', task: 'classification', features: IRIS, hiddenLayers: [6], learningRate: 0.2, mlp: { activation: 'sigmoid', optimizer: 'sgd', momentum: 0.9, schedule: 'cosine', warmupEpochs: 1 } } },
	{ name: 'elu-adam-step', file: 'iris.csv', config: { ...DEFAULT_CONFIG, target: 'species', task: 'classification', features: IRIS, hiddenLayers: [6, 5], learningRate: 0.02, mlp: { activation: 'elu', schedule: 'step', stepEvery: 1, stepFactor: 0.7 } } },
	{ name: 'relu-adamw-fused', file: 'iris.csv', config: { ...DEFAULT_CONFIG, target: 'species', task: 'classification', features: IRIS, hiddenLayers: [7], learningRate: 0.02, balance: 'class-weights', mlp: { optimizer: 'adamw', weightDecay: 0.2 } } },
	{ name: 'linear-sgd', file: 'iris.csv', config: { ...DEFAULT_CONFIG, model: 'linear', target: 'species', task: 'classification', features: IRIS, learningRate: 0.1, mlp: { optimizer: 'sgd', momentum: 0.5 } as MlpOptions } }
];

const BATCH = 16;
const PER_EPOCH = 3;
const EPOCHS = 3;

it('parity', async () => {
	expect(root).not.toBe('');
	await useCpu();
	for (const c of cases) {
		const dir = join(root, c.name);
		const table = loadDataset(c.file);
		const recipe = exportTrainingRecipe(table, c.config, { kilnVersion: '0.1.0', projectName: c.name });
		for (const [path, bytes] of Object.entries(recipe.files)) {
			mkdirSync(dirname(join(dir, path)), { recursive: true });
			writeFileSync(join(dir, path), bytes);
		}
		const data = prepareTraining(table, withConfigDefaults(c.config));
		const options = resolveMlpOptions(c.config.mlp);
		const model = buildModel({ kind: c.config.model, inputSize: data.width, outputSize: data.classes, hiddenLayers: c.config.hiddenLayers, seed: c.config.seed, mlp: c.config.mlp });
		const optimizer = makeOptimizer(options, c.config.learningRate);
		const step = makeMlpStep(model, optimizer, { task: c.config.task, classes: data.classes, l2: c.config.l2, learningRate: c.config.learningRate, seed: c.config.seed, options });
		const read = () => model.getWeights().map((w) => Array.from(w.dataSync()));
		const names = model.weights.map((w) => w.originalName);
		const init = read();
		const batches: { x: number[]; y: number[] }[] = [];
		const losses: number[] = [];
		for (let s = 0; s < PER_EPOCH * EPOCHS; s++) {
			const rows = Array.from({ length: BATCH }, (_, i) => (s * BATCH + i) % data.train.rows.length);
			const x = new Float32Array(BATCH * data.width);
			rows.forEach((r, i) => x.set(data.train.x.subarray(r * data.width, (r + 1) * data.width), i * data.width));
			const y = rows.map((r) => data.train.y[r]);
			const w = data.train.weights ? rows.map((r) => data.train.weights![r]) : null;
			const loss = step(x, y, w, { epoch: Math.floor(s / PER_EPOCH) + 1, batch: s % PER_EPOCH, batchesPerEpoch: PER_EPOCH, epochs: EPOCHS });
			losses.push((await loss.data())[0]);
			loss.dispose();
			batches.push({ x: Array.from(x), y });
		}
		const parity = { names, shapes: model.weights.map((w) => w.shape), init, batches, losses, final: read(), perEpoch: PER_EPOCH, epochs: EPOCHS, inputSize: data.width, outputs: data.classes };
		writeFileSync(join(dir, 'parity.json'), JSON.stringify(parity));
		optimizer.dispose();
		model.dispose();
		expect(tf.memory().numTensors).toBeLessThan(1000);
	}
});
