import { describe, expect, it } from 'vitest';
import { labelledRows } from '$workers/lib/preprocess';
import { loadDataset } from '../../../../tests/unit-support';
import { defaultPipeline, encodeRows, encodeTargetRows, fitPipeline } from '../pipeline';
import { classCounts, classWeights, matrixBlocks, randomOversample, randomUndersample, sampleWeights, smote, stratifiedHoldout } from './index';

const labels = [0, 0, 0, 0, 0, 0, 1, 1, 2, 0];
const rows = Int32Array.from({ length: labels.length }, (_, i) => i * 10);

describe('class weights and random resampling', () => {
	it('gives scikit-learn\'s balanced weights n / (k · count)', () => {
		const w = classWeights(labels, 4);
		expect(Array.from(w)).toEqual([10 / (3 * 7), 10 / (3 * 2), 10 / 3, 0]);
		expect(Array.from(sampleWeights([0, 2], w))).toEqual([10 / 21, 10 / 3].map(Math.fround));
	});

	it('over-samples smaller classes up to the largest, keeping every original row, seeded', () => {
		const out = randomOversample(rows, labels, 3, 5);
		expect(out.counts).toEqual({ before: [7, 2, 1], after: [7, 7, 7] });
		expect(out.rows.length).toBe(21);
		for (const r of rows) expect(out.rows).toContain(r);
		out.rows.forEach((r, i) => expect(out.labels[i]).toBe(labels[r / 10]));
		expect(randomOversample(rows, labels, 3, 5)).toEqual(out);
		expect(randomOversample(rows, labels, 3, 5, [7, 4, 3]).counts.after).toEqual([7, 4, 3]);
	});

	it('under-samples larger classes down to the smallest or to requested counts', () => {
		const out = randomUndersample(rows, labels, 3, 5);
		expect(out.counts).toEqual({ before: [7, 2, 1], after: [1, 1, 1] });
		expect(new Set(out.rows).size).toBe(3);
		expect(randomUndersample(rows, labels, 3, 5, [4, 2, 1]).counts.after).toEqual([4, 2, 1]);
		expect(() => randomUndersample(rows, [0, -1, 0, 0, 0, 0, 1, 1, 2, 0], 3, 5)).toThrow(/Row 10 has no class/);
	});
});

/** Is p on the segment a→b (within float32 rounding)? Returns the fitted t. */
function positionOnSegment(p: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>, columns: number[]): number | null {
	let t: number | null = null;
	for (const j of columns) {
		const span = b[j] - a[j];
		if (Math.abs(span) < 1e-6) {
			if (Math.abs(p[j] - a[j]) > 1e-5) return null;
			continue;
		}
		const tj = (p[j] - a[j]) / span;
		if (t === null) t = tj;
		else if (Math.abs(tj - t) > 1e-4) return null;
	}
	return t ?? 0;
}

describe('SMOTE', () => {
	const breast = loadDataset('breast-cancer.csv');
	const features = breast.columns.map((c) => c.name).filter((n) => n !== 'diagnosis');

	function encodedTraining(table = breast, target = 'diagnosis', names = features) {
		const labelled = labelledRows(table, target);
		const { fitted, table: out } = fitPipeline(defaultPipeline(names, table), table, labelled, { target: { name: target, task: 'classification' } });
		const { train } = stratifiedHoldout(labelled, encodeTargetRows(fitted.target!, out, labelled), 0.2, 1);
		const { x, width } = encodeRows(fitted, out, train);
		return { x, width, y: encodeTargetRows(fitted.target!, out, train) as Int32Array, fitted };
	}

	it('makes the requested counts, each synthetic row on the segment between same-class neighbours', () => {
		const { x, width, y } = encodedTraining();
		const k = 5;
		const result = smote(x, width, y, 2, { seed: 3, k });
		const before = classCounts(y, 2);
		const big = Math.max(...before);
		expect(result.counts).toEqual({ before, after: [big, big] });
		expect(result.y.length).toBe(Math.abs(before[0] - before[1]));
		const all = Array.from({ length: width }, (_, j) => j);
		const row = (m: Float32Array, i: number) => m.subarray(i * width, (i + 1) * width);
		for (let s = 0; s < result.y.length; s++) {
			const b = result.base[s];
			const m = result.neighbour[s];
			expect(y[b]).toBe(result.y[s]);
			expect(y[m]).toBe(result.y[s]);
			const t = positionOnSegment(row(result.x, s), row(x, b), row(x, m), all);
			expect(t).not.toBeNull();
			expect(t!).toBeGreaterThanOrEqual(-1e-4);
			expect(t!).toBeLessThanOrEqual(1 + 1e-4);
			expect(t!).toBeCloseTo(result.gap[s], 3);
			// The neighbour is among the base's k nearest of its class.
			const dist = (i: number) => row(x, i).reduce((d, v, j) => d + (v - x[b * width + j]) ** 2, 0);
			const closer = Array.from(y).filter((c, i) => c === y[b] && i !== b && dist(i) < dist(m)).length;
			expect(closer).toBeLessThan(k);
		}
		expect(smote(x, width, y, 2, { seed: 3, k })).toEqual(result);
		expect(smote(x, width, y, 2, { seed: 4, k }).x).not.toEqual(result.x);
	});

	it('takes one-hot blocks whole from the neighbours\' majority, never half a category', () => {
		const penguins = loadDataset('penguins.csv');
		const names = ['island', 'bill_length_mm', 'bill_depth_mm', 'sex'];
		const { x, width, y, fitted } = encodedTraining(penguins, 'species', names);
		const blocks = matrixBlocks(fitted);
		expect(blocks.map((b) => b.kind)).toEqual(['categorical', 'continuous', 'continuous', 'categorical']);
		const result = smote(x, width, y, 3, { seed: 9, blocks, target: [200, 200, 200] });
		expect(result.counts.after).toEqual([200, 200, 200]);
		const continuous = [blocks[1].start, blocks[2].start];
		for (let s = 0; s < result.y.length; s++) {
			const p = result.x.subarray(s * width, (s + 1) * width);
			const a = x.subarray(result.base[s] * width, (result.base[s] + 1) * width);
			const b = x.subarray(result.neighbour[s] * width, (result.neighbour[s] + 1) * width);
			expect(positionOnSegment(p, a, b, continuous)).not.toBeNull();
			for (const block of blocks.filter((bl) => bl.kind === 'categorical')) {
				const values = Array.from(p.subarray(block.start, block.start + block.width));
				expect(values.every((v) => v === 0 || v === 1)).toBe(true);
				expect(values.reduce((n, v) => n + v, 0)).toBe(1);
			}
		}
	});

	it('leaves a one-row class alone and says so', () => {
		const x = Float32Array.of(0, 0, 1, 1, 2, 2, 5, 5);
		const result = smote(x, 2, [0, 0, 0, 1], 2, { seed: 1 });
		expect(result.counts.after).toEqual([3, 1]);
		expect(result.notes[0]).toMatch(/Class 1 has 1 training row/);
	});
});
