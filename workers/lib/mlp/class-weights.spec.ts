import { beforeAll, describe, expect, it } from 'vitest';
import type { Column, Table, TrainConfig } from '$workers/protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { loadDataset, useCpu } from '../../../tests/unit-support';
import { trainModel } from '$workers/lib/train';
import { predictTable } from '$workers/lib/predict';
import { createRng } from '$workers/lib/random';

beforeAll(useCpu);

function pick(table: Table, rows: number[]): Table {
	const columns = table.columns.map((c): Column => (c.kind === 'numeric' ? { ...c, values: Float64Array.from(rows, (r) => c.values[r]) } : { ...c, codes: Int32Array.from(rows, (r) => c.codes[r]) }));
	return { rowCount: rows.length, columns };
}

/** Breast cancer with most malignant rows held back: the kept set is about 1 malignant in 20. */
function imbalanced(seed: number) {
	const table = loadDataset('breast-cancer.csv');
	const target = table.columns.find((c) => c.name === 'diagnosis')!;
	const label = (r: number) => (target.kind === 'numeric' ? String(target.values[r]) : target.categories[target.codes[r]]);
	const rng = createRng(seed);
	const kept: number[] = [];
	const unseenMalignant: number[] = [];
	for (let r = 0; r < table.rowCount; r++) {
		if (label(r) !== 'malignant') kept.push(r);
		else if (rng() < 0.05) kept.push(r);
		else unseenMalignant.push(r);
	}
	return { train: pick(table, kept), unseen: pick(table, unseenMalignant) };
}

describe('class weights (balanced: inverse class frequency in the loss)', () => {
	it('raise the recall of the rare class on an imbalanced breast-cancer subsample', async () => {
		const recalls: Record<string, number[]> = { none: [], weighted: [] };
		for (const seed of [1, 2]) {
			const { train, unseen } = imbalanced(seed);
			const features = train.columns.map((c) => c.name).filter((n) => n !== 'diagnosis');
			const config: TrainConfig = { ...DEFAULT_CONFIG, target: 'diagnosis', task: 'classification', features, epochs: 8, patience: 0, validationFraction: 0, seed, mlp: { activation: 'tanh', dropout: [0.1] } };
			for (const [name, balance] of [['none', undefined], ['weighted', 'class-weights']] as const) {
				const run = await trainModel(train, { ...config, ...(balance ? { balance } : {}) });
				const predicted = await predictTable(run.model, run.preprocessing!, unseen);
				recalls[name].push(predicted.predictions.filter((p) => p === 'malignant').length / unseen.rowCount);
			}
		}
		const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
		console.info(`malignant recall on ${imbalanced(1).unseen.rowCount} unseen rows: none ${recalls.none.map((v) => v.toFixed(3))}, class weights ${recalls.weighted.map((v) => v.toFixed(3))}`);
		expect(mean(recalls.weighted)).toBeGreaterThan(mean(recalls.none) + 0.03);
	});
});
