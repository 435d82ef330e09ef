import * as bridge from '$lib/bridge';
import { toUiError, type UiError } from '$lib/components/ui-error';
import { getModel, getSetting, type ModelRecord, type RunRecord } from '$lib/db';
import type { FilePrediction, PredictResult, RowExplanation } from '$workers/protocol';

/** Predictions with the project's model in use: one typed row, or a file of rows. */
export class Predictor {
	model = $state.raw<ModelRecord | null>(null);
	single = $state.raw<PredictResult | null>(null);
	/** Why the single prediction came out so: per-column attributions, computed after it. */
	explanation = $state.raw<RowExplanation | null>(null);
	explaining = $state(false);
	explainError = $state<UiError | null>(null);
	batch = $state.raw<(FilePrediction & { fileName: string; url: string }) | null>(null);
	busy = $state<string | null>(null);
	error = $state<UiError | null>(null);
	#controller: AbortController | null = null;

	async use(run: RunRecord | null): Promise<void> {
		if (this.model?.runId === run?.id) return;
		this.single = null;
		this.explanation = null;
		this.clearBatch();
		this.model = null;
		if (!run?.modelId) return;
		try {
			this.model = await getModel(run.modelId);
		} catch (e) {
			this.error = toUiError(e);
		}
	}

	async predictRow(values: Record<string, string>): Promise<void> {
		if (!this.model) return;
		this.error = null;
		this.busy = 'Predicting…';
		this.explanation = null;
		this.explainError = null;
		const row = $state.snapshot(values);
		const backend = await getSetting('backend');
		try {
			this.single = await bridge.predictRows(this.model.id, [row], backend);
		} catch (e) {
			this.error = toUiError(e);
			this.single = null;
			return;
		} finally {
			this.busy = null;
		}
		this.explaining = true;
		try {
			this.explanation = await bridge.explainPrediction(this.model.id, row, backend);
		} catch (e) {
			this.explainError = toUiError(e);
		} finally {
			this.explaining = false;
		}
	}

	async predictFile(file: File): Promise<void> {
		if (!this.model) return;
		this.error = null;
		this.clearBatch();
		this.busy = `Predicting the rows of ${file.name}…`;
		this.#controller = new AbortController();
		try {
			const result = await bridge.predictFile(this.model.id, file, file.name, await getSetting('backend'), this.#controller.signal);
			this.batch = { ...result, fileName: file.name, url: URL.createObjectURL(result.csv) };
		} catch (e) {
			const error = toUiError(e);
			if (error.name !== 'AbortError') this.error = error;
		} finally {
			this.busy = null;
			this.#controller = null;
		}
	}

	cancel(): void {
		this.#controller?.abort();
	}

	clearBatch(): void {
		if (this.batch) URL.revokeObjectURL(this.batch.url);
		this.batch = null;
	}
}
