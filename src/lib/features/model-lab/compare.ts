import type { DatasetRecord, RunRecord } from '$lib/db';
import { withConfigDefaults } from '$shared/train-config';
import { resolveMlpOptions, type MlpOptions } from '$shared/mlp-options';
import { describeModel } from '../evaluate/format';

/** Everything the comparison of 2+ runs shows, computed from the stored run records. */

export interface MetricRow {
	label: string;
	values: (number | null)[];
	/** Which value is best: 'high', 'low', or none (sizes, counts). */
	better: 'high' | 'low' | null;
	format: 'score' | 'number' | 'ms' | 'bytes';
}

export function metricRows(runs: RunRecord[]): MetricRow[] {
	const pick = (f: (r: RunRecord) => number | undefined) => runs.map((r) => f(r) ?? null);
	const classification = runs.every((r) => r.metrics?.task === 'classification');
	const rows: MetricRow[] = classification
		? [
				{ label: 'Holdout accuracy', values: pick((r) => (r.metrics?.task === 'classification' ? r.metrics.accuracy : undefined)), better: 'high', format: 'score' },
				{ label: 'Holdout macro-F1', values: pick((r) => (r.metrics?.task === 'classification' ? r.metrics.macroF1 : undefined)), better: 'high', format: 'score' }
			]
		: [
				{ label: 'Holdout RMSE', values: pick((r) => (r.metrics?.task === 'regression' ? r.metrics.rmse : undefined)), better: 'low', format: 'number' },
				{ label: 'Holdout MAE', values: pick((r) => (r.metrics?.task === 'regression' ? r.metrics.mae : undefined)), better: 'low', format: 'number' },
				{ label: 'Holdout R²', values: pick((r) => (r.metrics?.task === 'regression' ? r.metrics.r2 : undefined)), better: 'high', format: 'score' }
			];
	rows.push(
		{ label: 'Best validation loss', values: pick((r) => bestValLoss(r)), better: 'low', format: 'number' },
		{ label: 'Training time', values: pick((r) => r.durationMs), better: 'low', format: 'ms' },
		{ label: 'Holdout rows', values: pick((r) => r.split?.holdout ?? r.metrics?.support), better: null, format: 'number' },
		{ label: 'Model size', values: pick((r) => r.classicInfo?.modelBytes), better: null, format: 'bytes' }
	);
	return rows.filter((row) => row.values.some((v) => v !== null));
}

function bestValLoss(run: RunRecord): number | undefined {
	const losses = run.history.map((h) => h.valLoss).filter(Number.isFinite);
	return losses.length > 0 ? Math.min(...losses) : undefined;
}

/** Index of the best value in a row, or −1 when there is no "better" or no value. */
export function bestIndex(row: MetricRow): number {
	if (!row.better) return -1;
	let best = -1;
	row.values.forEach((v, i) => {
		if (v === null) return;
		if (best < 0 || (row.better === 'high' ? v > row.values[best]! : v < row.values[best]!)) best = i;
	});
	return best;
}

/** A run's settings as flat key → text (classic families' params under their own names). */
/** An MLP's options as the compare table shows them (runs stored before they existed show the defaults they used). */
function mlpSettings(options: MlpOptions | undefined): Record<string, string> {
	const o = resolveMlpOptions(options);
	const optimizer = o.optimizer === 'sgd' ? `SGD, momentum ${o.momentum}${o.nesterov ? ', Nesterov' : ''}` : o.optimizer === 'adamw' ? `AdamW, decay ${o.weightDecay}` : 'Adam';
	const schedule = (o.schedule === 'step' ? `step ×${o.stepFactor} every ${o.stepEvery}` : o.schedule) + (o.warmupEpochs > 0 ? `, ${o.warmupEpochs} warm-up` : '');
	return { activation: o.activation, dropout: o.dropout.join(', '), batchNorm: o.batchNorm ? 'yes' : 'no', optimizer, schedule };
}

export function flatConfig(run: RunRecord): Record<string, string> {
	const config = withConfigDefaults(run.config);
	const flat: Record<string, string> = { model: describeModel(config), target: config.target, features: config.features.join(', '), seed: String(config.seed), holdout: `${config.holdoutFraction * 100} %`, validation: `${config.validationFraction * 100} %` };
	if (config.classic) {
		for (const [key, value] of Object.entries(config.classic.params)) flat[key] = value === null ? 'no limit' : String(value);
	} else {
		Object.assign(flat, { hiddenLayers: config.model === 'mlp' ? config.hiddenLayers.join(', ') : '—', epochs: String(config.epochs), learningRate: String(config.learningRate), batchSize: String(config.batchSize), l2: String(config.l2), patience: String(config.patience) });
		if (config.model === 'mlp') Object.assign(flat, mlpSettings(config.mlp));
	}
	if (run.pipelineId) flat.pipeline = run.pipelineId;
	return flat;
}

/** Settings that differ between the runs (absent = "—"), and the names of those that are equal. */
export function configDiff(runs: RunRecord[]): { differ: { key: string; values: string[] }[]; same: string[] } {
	const flats = runs.map(flatConfig);
	const keys = [...new Set(flats.flatMap((f) => Object.keys(f)))];
	const differ: { key: string; values: string[] }[] = [];
	const same: string[] = [];
	for (const key of keys) {
		const values = flats.map((f) => f[key] ?? '—');
		if (values.every((v) => v === values[0])) same.push(key);
		else differ.push({ key, values });
	}
	return { differ, same };
}

export interface CurveSet {
	/** epoch / trees / rounds when every run counts the same; else each run's own share of its training. */
	unit: string;
	series: { label: string; points: [number, number][] }[];
}

/** Validation metric curves of the runs, overlaid on one x axis. */
export function curves(runs: RunRecord[]): CurveSet {
	const unitOf = (r: RunRecord) => (r.config.classic ? (r.config.classic.family === 'forest' ? 'trees' : r.config.classic.family === 'boosting' ? 'rounds' : 'fit') : 'epoch');
	const units = new Set(runs.map(unitOf));
	const shared = units.size === 1 && !units.has('fit');
	const unit = shared ? [...units][0] : '% of each run’s training';
	const series = runs.map((r, i) => {
		const last = r.history.at(-1)?.epoch ?? 1;
		const points = r.history.filter((h) => Number.isFinite(h.valMetric)).map((h): [number, number] => [shared ? h.epoch : (100 * h.epoch) / last, h.valMetric]);
		return { label: `${i + 1}. ${describeModel(r.config)}`, points };
	});
	return { unit, series };
}

/**
 * Datasets edited in place (image classes, single images) keep their id, so the manifest names
 * the version: today's, and, for a run trained before later edits, the one it saw with its rows.
 * Edits are refused while a run trains or can resume, so a run's creation time places it.
 */
export function datasetVersionSeen(run: Pick<RunRecord, 'createdAt'>, dataset: Pick<DatasetRecord, 'edits'>): Record<string, unknown> {
	const edits = Array.isArray(dataset.edits) ? dataset.edits : [];
	if (edits.length === 0) return { version: 1 };
	const later = edits.filter((e) => e.at > run.createdAt);
	const base = { version: 1 + edits.length, edits: edits.map((e) => ({ at: new Date(e.at).toISOString(), what: e.what, rowsBefore: e.rowsBefore, rowsAfter: e.rowsAfter })) };
	if (later.length === 0) return base;
	return { ...base, trainedOnVersion: 1 + edits.length - later.length, rowsWhenTrained: later[0].rowsBefore, note: `Edited ${later.length} time${later.length === 1 ? '' : 's'} after this run trained: rows and bytes above are today's, not what it saw.` };
}

export interface Versions {
	kiln: string;
	libraries: Record<string, string>;
}

/**
 * What it takes to reproduce a run: the data it saw, its full settings and seed, the split
 * sizes, the backend and the versions of Kiln and its compute libraries. Same data, config,
 * seed and backend give the same model (tests check this per family).
 */
export function runManifest(run: RunRecord, dataset: DatasetRecord | null, versions: Versions): Record<string, unknown> {
	return {
		kind: 'kiln-run-manifest',
		version: 1,
		run: { id: run.id, status: run.status, createdAt: new Date(run.createdAt).toISOString(), searchId: run.searchId ?? null },
		dataset: dataset ? { id: dataset.id, name: dataset.name, fileName: dataset.fileName, rows: dataset.rowCount, columns: dataset.columns.length, bytes: dataset.bytes, importedAt: new Date(dataset.createdAt).toISOString(), ...datasetVersionSeen(run, dataset) } : { id: run.datasetId, note: 'The dataset is no longer stored.' },
		pipeline: run.pipelineId ?? 'built-in preprocessing (numbers standardised, categories one-hot, fitted on the training rows)',
		config: withConfigDefaults(run.config),
		seed: run.config.seed,
		split: run.split ?? null,
		backend: run.config.classic ? 'plain JavaScript (classic model; no tfjs backend)' : (run.backend ?? null),
		...(run.backendProbe ? { backendProbe: { picked: run.backendProbe.picked, measuredAt: new Date(run.backendProbe.measuredAt).toISOString(), stepsPerSecond: Object.fromEntries(run.backendProbe.timings.map((t) => [t.backend, t.stepsPerSecond])) } } : {}),
		versions,
		metrics: run.metrics ?? null
	};
}
