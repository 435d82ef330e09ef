import { describe, expect, it } from 'vitest';
import { partialDependence, quantileGrid } from './partial-dependence';

describe('partial dependence of a known function', () => {
	it('averages the model over the rows at each grid value', async () => {
		// f(x) = x0 + 2·x1 → PD(x0 = v) = v + 2·mean(x1)
		const rows = 50;
		const x = Float32Array.from({ length: rows * 2 }, (_, i) => ((i * 37) % 11) / 3);
		const predict = async (input: Float32Array, n: number) => Float32Array.from({ length: n }, (_, i) => input[2 * i] + 2 * input[2 * i + 1]);
		let meanX1 = 0;
		for (let i = 0; i < rows; i++) meanX1 += x[2 * i + 1] / rows;
		const pd = await partialDependence({ predict, x, rows, width: 2, feature: { name: 'x0', kind: 'numeric', indices: [0] }, outputs: 1, gridSize: 5 });
		pd.encodedGrid.forEach((v, g) => expect(pd.average[g][0]).toBeCloseTo(v + 2 * meanX1, 5));
		expect(quantileGrid([1, 2, 2, 3], 5, [0.05, 0.95])).toEqual([1, 2, 3]);
		expect(quantileGrid(Array.from({ length: 101 }, (_, i) => i), 3, [0, 1])).toEqual([0, 50, 100]);
	});
});
