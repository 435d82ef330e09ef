import { beforeAll, describe, expect, it } from 'vitest';
import type { ClassificationMetrics, ClassificationReport, RegressionMetrics, RegressionReport, Table, TrainConfig } from '$workers/protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { trainModel } from '$workers/lib/train';
import { rowsTable } from '$workers/lib/rows-table';
import { createRng } from '$workers/lib/random';
import { loadDataset, useCpu } from '../../../tests/unit-support';
import { evaluateRun } from './evaluate-run';
import { explainRow } from './explain-row';

beforeAll(useCpu);

const configFor = (table: Table, target: string, task: TrainConfig['task'], change: Partial<TrainConfig> = {}): TrainConfig => ({
	...DEFAULT_CONFIG,
	target,
	task,
	features: table.columns.map((c) => c.name).filter((n) => n !== target),
	epochs: 30,
	...change
});

/** breast cancer plus a column of pure noise, which permutation importance must rank last. */
function withNoise(table: Table): Table {
	const rng = createRng(5);
	return { ...table, columns: [...table.columns, { name: 'noise', kind: 'numeric', values: Float64Array.from({ length: table.rowCount }, () => rng()) }] };
}

describe('evaluateRun on a trained classifier (breast cancer)', () => {
	const table = withNoise(loadDataset('breast-cancer.csv'));
	const config = configFor(table, 'diagnosis', 'classification', { model: 'linear', epochs: 40, learningRate: 0.05 });

	it('scores the same holdout as training, beats its baselines, and ranks the noise column low', async () => {
		const trained = await trainModel(table, config);
		const fractions: number[] = [];
		const evaluation = await evaluateRun(table, config, { artifacts: trained.model, preprocessing: trained.preprocessing }, 'run-1', { onProgress: (f) => fractions.push(f) });
		const report = evaluation.report as ClassificationReport;
		const metrics = trained.metrics as ClassificationMetrics;
		// the same rows and the same predictions as the run's final score
		expect(evaluation.rows).toBe(trained.holdoutRows);
		expect(report.accuracy).toBeCloseTo(metrics.accuracy, 10);
		expect(report.confusion.counts).toEqual(metrics.confusion);
		expect(report.auc!).toBeGreaterThan(0.97);
		expect(report.threshold!.points).toHaveLength(101);
		// either class can be the positive one; the classes[1] sweep is the report's own
		expect(evaluation.thresholds!.map((t) => t.positiveClass)).toEqual(report.classes);
		expect(evaluation.thresholds![1].points).toEqual(report.threshold!.points);
		const [zero, one] = [evaluation.thresholds![0].points[50], evaluation.thresholds![1].points[50]];
		expect(zero.tp + zero.fn).toBe(one.tn + one.fp);
		expect(report.calibration.bins.length).toBeGreaterThan(1);
		const majority = evaluation.baselines.find((b) => b.strategy === 'majority')!.report as ClassificationReport;
		expect(majority.auc).toBe(0.5);
		expect(report.logLoss).toBeLessThan(majority.logLoss / 3);
		expect(report.balancedAccuracy).toBeGreaterThan(majority.balancedAccuracy + 0.4);
		const columns = evaluation.importance!.columns;
		expect(columns).toHaveLength(31);
		const noise = columns.findIndex((c) => c.name === 'noise');
		expect(noise).toBeGreaterThanOrEqual(20);
		expect(Math.abs(columns[noise].mean)).toBeLessThan(columns[0].mean / 5);
		expect(evaluation.dependence.map((d) => d.name)).toEqual(columns.slice(0, 3).map((c) => c.name));
		expect(evaluation.dependence[0].average[0]).toHaveLength(2);
		// slices: every feature column, each slice's rows add up to the holdout
		expect(evaluation.slices).toHaveLength(31);
		for (const s of evaluation.slices) expect(s.metrics.reduce((n, m) => n + m.rows, 0)).toBe(trained.holdoutRows);
		// worst rows: worst first, with their cells and slices, misclassified rows among them
		const worst = evaluation.worst;
		expect(worst.length).toBe(Math.min(100, trained.holdoutRows));
		for (let i = 1; i < worst.length; i++) expect(worst[i].loss).toBeLessThanOrEqual(worst[i - 1].loss);
		expect(worst[0].values).toHaveLength(31);
		expect(worst[0].slices).toHaveLength(31);
		const wrong = metrics.support - Math.round(metrics.accuracy * metrics.support);
		expect(worst.slice(0, wrong).every((w) => w.truth !== w.predicted)).toBe(true);
		expect(fractions.at(-1)).toBe(1);
		// plain data: survives a JSON round trip (how it is stored) unchanged
		expect(JSON.parse(JSON.stringify(evaluation))).toEqual(evaluation);
		// seeded: the same again
		const again = await evaluateRun(table, config, { artifacts: trained.model, preprocessing: trained.preprocessing }, 'run-1');
		expect(again.importance).toEqual(evaluation.importance);
	});

	it('explains one prediction with integrated gradients that add up to the output', async () => {
		const small = configFor(table, 'diagnosis', 'classification', { epochs: 10, hiddenLayers: [8] });
		const trained = await trainModel(table, small);
		const model = { artifacts: trained.model, preprocessing: trained.preprocessing };
		const row = Object.fromEntries(trained.preprocessing.features.map((f) => [f.name, f.kind === 'numeric' ? String(f.mean + 2 * f.std) : '']));
		const explanation = await explainRow(model, rowsTable(trained.preprocessing.features, [row]));
		expect(['benign', 'malignant']).toContain(explanation.explained);
		expect(explanation.columns).toHaveLength(31);
		const sum = explanation.columns.reduce((s, c) => s + c.contribution, 0);
		expect(Math.abs(sum - (explanation.output - explanation.reference))).toBeLessThan(2e-3);
		expect(explanation.output).toBeGreaterThan(0.5);
	});
});

describe('evaluateRun on a regressor (penguin body mass)', () => {
	it('reports in grams, beside the mean and median baselines, with residual points', async () => {
		const table = loadDataset('penguins.csv');
		const config = configFor(table, 'body_mass_g', 'regression');
		const trained = await trainModel(table, config);
		const evaluation = await evaluateRun(table, config, { artifacts: trained.model, preprocessing: trained.preprocessing }, 'run-2', { repeats: 2 });
		const report = evaluation.report as RegressionReport;
		const metrics = trained.metrics as RegressionMetrics;
		expect(report.rmse).toBeCloseTo(metrics.rmse, 3);
		expect(report.r2).toBeCloseTo(metrics.r2, 4);
		const mean = evaluation.baselines.find((b) => b.strategy === 'mean')!;
		expect(mean.prediction).toBeGreaterThan(3500);
		expect(mean.prediction).toBeLessThan(5000);
		expect(report.rmse).toBeLessThan((mean.report as RegressionReport).rmse * 0.6);
		expect(report.points.actual).toHaveLength(trained.holdoutRows);
		expect(evaluation.importance!.metric).toBe('rmse');
		expect(evaluation.importance!.columns.map((c) => c.name)).toContain('species');
		const explanation = await explainRow({ artifacts: trained.model, preprocessing: trained.preprocessing }, rowsTable(trained.preprocessing.features, [{ species: 'Gentoo', island: 'Biscoe', bill_length_mm: '47', bill_depth_mm: '15', flipper_length_mm: '217', sex: 'male' }]));
		expect(explanation.explained).toBe('body_mass_g');
		expect(explanation.output).toBeGreaterThan(4500);
		const sum = explanation.columns.reduce((s, c) => s + c.contribution, 0);
		expect(Math.abs(sum - (explanation.output - explanation.reference))).toBeLessThan(5);
	});
});
