import * as bridge from '$lib/bridge';
import { toUiError, type UiError } from '$lib/components/ui-error';
import { getModel, getSetting, type ModelRecord, type RunRecord } from '$lib/db';
import type { FeatureTransform, PredictResult, Table } from '$workers/protocol';
import { cellText } from '$shared/table';
import Papa from 'papaparse';

/** A one-row table from form values; empty strings are missing cells. */
export function rowTable(features: FeatureTransform[], values: Record<string, string>): Table {
	return {
		rowCount: 1,
		columns: features.map((f) => {
			const text = (values[f.name] ?? '').trim();
			if (f.kind === 'numeric') return { name: f.name, kind: 'numeric', values: Float64Array.of(text === '' ? NaN : Number(text)) };
			return { name: f.name, kind: 'categorical', categories: text ? [text] : [], codes: Int32Array.of(text ? 0 : -1) };
		})
	};
}

export class Predictor {
	model = $state.raw<ModelRecord | null>(null);
	single = $state.raw<PredictResult | null>(null);
	batch = $state.raw<{ fileName: string; table: Table; result: PredictResult } | null>(null);
	busy = $state<string | null>(null);
	busyProgress = $state<number | null>(null);
	error = $state<UiError | null>(null);

	async use(run: RunRecord | null): Promise<void> {
		if (!run?.modelId || this.model?.runId === run.id) return;
		this.single = null;
		this.batch = null;
		try {
			this.model = await getModel(run.modelId);
		} catch (e) {
			this.error = toUiError(e);
		}
	}

	async #run(table: Table): Promise<PredictResult> {
		const model = this.model!;
		return bridge.predict(model.artifacts, model.preprocessing, table, await getSetting('backend'));
	}

	async predictRow(values: Record<string, string>): Promise<void> {
		if (!this.model) return;
		this.error = null;
		const bad = this.model.preprocessing.features.find((f) => f.kind === 'numeric' && values[f.name]?.trim() && !Number.isFinite(Number(values[f.name])));
		if (bad) {
			this.error = { name: 'SchemaMismatchError', message: `“${bad.name}” must be a number (or empty if unknown).` };
			return;
		}
		this.busy = 'Predicting…';
		try {
			this.single = await this.#run(rowTable(this.model.preprocessing.features, values));
		} catch (e) {
			this.error = toUiError(e);
		} finally {
			this.busy = null;
		}
	}

	async predictFile(file: File): Promise<void> {
		if (!this.model) return;
		this.error = null;
		this.busy = `Reading ${file.name}…`;
		try {
			const expected = this.model.preprocessing.features.map((f) => ({ name: f.name, kind: f.kind }));
			const parsed = await bridge.parseCsvFile(file, file.name, expected, (f) => (this.busyProgress = f));
			this.busyProgress = null;
			this.busy = `Predicting ${parsed.table.rowCount.toLocaleString()} rows…`;
			// predict() moves the buffers to the worker, so keep a copy for showing the rows.
			const copy = structuredClone(parsed.table);
			const result = await this.#run(parsed.table);
			this.batch = { fileName: file.name, table: copy, result };
		} catch (e) {
			this.error = toUiError(e);
		} finally {
			this.busy = null;
			this.busyProgress = null;
		}
	}

	/** The batch as CSV: the input columns plus prediction (and class probabilities). */
	batchCsv(): string {
		if (!this.batch || !this.model) return '';
		const { table, result } = this.batch;
		const target = this.model.preprocessing.target;
		const classes = target.task === 'classification' ? target.classes : [];
		const header = [...table.columns.map((c) => c.name), `predicted_${target.name}`, ...classes.map((c) => `p_${c}`)];
		const rows = result.predictions.map((p, r) => [
			...table.columns.map((c) => cellText(c, r)),
			p,
			...(result.probabilities?.[r] ?? []).map((v) => v.toFixed(6))
		]);
		return Papa.unparse([header, ...rows]);
	}
}
