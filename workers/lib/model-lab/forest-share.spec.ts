import { describe, expect, it } from 'vitest';
import { defaultParams } from '$workers/lib/models';
import { loadDataset } from '../../../tests/unit-support';
import { classicConfig } from './config';
import { fitForestShare, treeShares, type ForestShare } from './forest-share';
import { trainClassic } from './train-classic';

const forest = { family: 'forest' as const, params: { ...defaultParams('forest', 'classification'), nTrees: 9, minSamplesLeaf: 2 } };
// 3-fold split and class weights, so every fit of the run (3 folds + the final model) is shared.
const config = classicConfig({ target: 'species', task: 'classification', features: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'], seed: 4, holdoutFraction: 0.2, validationFraction: 0.15, split: { kind: 'kfold', folds: 3, stratify: true }, balance: 'class-weights' }, forest);

describe('a forest fitted in shares of trees', () => {
	it('splits the trees into contiguous ranges, one per worker', () => {
		expect(treeShares(10, 3)).toEqual([{ from: 0, to: 3 }, { from: 3, to: 6 }, { from: 6, to: 10 }]);
		expect(treeShares(2, 8)).toEqual([{ from: 0, to: 1 }, { from: 1, to: 2 }]);
		expect(treeShares(5, 1)).toEqual([{ from: 0, to: 5 }]);
	});

	it('1, 2 or 3 workers give the forest one worker fits in one piece, for every fold and the final model', async () => {
		const table = loadDataset('iris.csv');
		const whole = await trainClassic(table, config);
		const byWorkers = async (workers: number) => {
			const progress: number[] = [];
			const shares: ForestShare[] = treeShares(9, workers).map(({ from, to }) => fitForestShare(table, config, from, to, { onProgress: (f) => progress.push(f) }));
			expect(progress.at(-1)).toBe(1);
			expect(shares.every((s) => s.fits.length === 4)).toBe(true);
			const logs: string[] = [];
			// Shares arrive in any order; they are joined by their tree ranges.
			const result = await trainClassic(table, config, { forestShares: shares.reverse(), onEvent: (e) => e.type === 'log' && logs.push(e.message) });
			expect(logs.join(' ')).toMatch(new RegExp(`fitted in ${workers} worker`));
			return result;
		};
		for (const workers of [1, 2, 3]) {
			const shared = await byWorkers(workers);
			expect(new Uint8Array(shared.model.weightData)).toEqual(new Uint8Array(whole.model.weightData));
			expect(shared.model.modelTopology).toEqual(whole.model.modelTopology);
			expect(shared.metrics).toEqual(whole.metrics);
			expect(shared.crossValidation).toEqual(whole.crossValidation);
			expect(shared.importances).toEqual(whole.importances);
		}
	});

	it('refuses shares that leave out trees or were fitted for another run', async () => {
		const table = loadDataset('iris.csv');
		const first = fitForestShare(table, config, 0, 4);
		await expect(trainClassic(table, config, { forestShares: [first] })).rejects.toThrow(/hold 4 trees, but the run asks for 9/);
		const other = fitForestShare(table, { ...config, holdoutFraction: 0.3 }, 4, 9);
		await expect(trainClassic(table, config, { forestShares: [first, other] })).rejects.toThrow(/fitted on \d+ rows/);
		expect(() => fitForestShare(table, config, 5, 12)).toThrow(/Trees 5 to 12 are not a share of a 9-tree forest/);
		expect(() => fitForestShare(table, classicConfig(config, { family: 'tree', params: defaultParams('tree', 'classification') }), 0, 1)).toThrow(/Only a random forest/);
	});
});
