import { beforeAll, describe, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Table, TrainConfig } from '$workers/protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { guessTarget, inferTask } from '$shared/table';
import { loadDataset, useCpu } from '../../../tests/unit-support';
import { trainModel } from '../train';
import { deserializeModel, forward, softmaxRows } from '../model';
import { encodeFeatures } from '../preprocess';
import { plainForward } from './plain-forward';

beforeAll(useCpu);

function config(table: Table, target: string, extra: Partial<TrainConfig>): TrainConfig {
	const column = table.columns.find((c) => c.name === target)!;
	return { ...DEFAULT_CONFIG, target, task: inferTask(column), features: table.columns.map((c) => c.name).filter((n) => n !== target), epochs: 8, patience: 0, ...extra };
}

/** Train a real model (the studio's training) and compare tfjs's outputs with the plain forward on every row of the set. */
async function compare(file: string, target: string, extra: Partial<TrainConfig>) {
	const table = loadDataset(file);
	const result = await trainModel(table, config(table, target ?? guessTarget(table), extra));
	const model = await deserializeModel(result.model);
	const plain = plainForward(model);
	expect(plain).not.toBeNull();
	const rows = Int32Array.from({ length: table.rowCount }, (_, i) => i);
	const { x } = encodeFeatures(table, result.preprocessing, rows);
	const width = result.preprocessing.inputSize;
	const want = await forward(model, x, table.rowCount, width);
	const out = plain!.outputSize;
	const got = new Float32Array(want.length);
	for (let r = 0; r < table.rowCount; r++) got.set(plain!.run(x.subarray(r * width, (r + 1) * width)), r * out);
	model.dispose();
	return { want, got, out, rows: table.rowCount };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
	let max = 0;
	for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
	return max;
}

describe('the plain JavaScript forward pass', () => {
	it('gives tfjs\'s probabilities within 1e-6 for a penguins MLP (numbers and one-hot categories), every row', async () => {
		const { want, got, out, rows } = await compare('penguins.csv', 'species', { model: 'mlp', hiddenLayers: [32, 16] });
		expect(rows).toBe(344);
		const p = softmaxRows(want, out).flat();
		const q = softmaxRows(got, out).flat();
		expect(maxDiff(p, q)).toBeLessThan(1e-6);
		expect(maxDiff(want, got)).toBeLessThan(1e-5);
	});

	it('matches tfjs on a wine MLP with tanh, batch-norm and dropout (inference: dropout is identity)', async () => {
		const { want, got, out } = await compare('wine.csv', 'cultivar', { model: 'mlp', hiddenLayers: [16], mlp: { activation: 'tanh', batchNorm: true, dropout: [0.2] } });
		expect(maxDiff(softmaxRows(want, out).flat(), softmaxRows(got, out).flat())).toBeLessThan(1e-6);
	});

	it('matches tfjs on a linear regression of penguin body mass (standardised output)', async () => {
		const { want, got } = await compare('penguins.csv', 'body_mass_g', { model: 'linear' });
		expect(maxDiff(want, got)).toBeLessThan(1e-6);
	});

	it('declines a model it does not compute exactly', () => {
		const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [2], activation: 'softplus' })] });
		expect(plainForward(model)).toBeNull();
		const conv = tfl.sequential({ layers: [tfl.layers.conv1d({ filters: 2, kernelSize: 2, inputShape: [4, 1] }), tfl.layers.flatten(), tfl.layers.dense({ units: 2 })] });
		expect(plainForward(conv)).toBeNull();
		model.dispose();
		conv.dispose();
	});
});
