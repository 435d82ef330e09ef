import * as bridge from '$lib/bridge';
import { toUiError, type UiError } from '$lib/components/ui-error';
import { getModel, getSetting, getTradeoff, type ModelRecord, type RunRecord } from '$lib/db';
import type { FilePrediction, PredictResult, RowExplanation } from '$workers/protocol';
import { classicOnnx } from '../ship/export-format';

/** Predictions with the project's model in use: one typed row, or a file of rows. */
export class Predictor {
	model = $state.raw<ModelRecord | null>(null);
	single = $state.raw<PredictResult | null>(null);
	/** Why the single prediction came out so: per-column attributions, computed after it. */
	explanation = $state.raw<RowExplanation | null>(null);
	explaining = $state(false);
	explainError = $state<UiError | null>(null);
	batch = $state.raw<(FilePrediction & { fileName: string; url: string; runtime?: string }) | null>(null);
	busy = $state<string | null>(null);
	error = $state<UiError | null>(null);
	#controller: AbortController | null = null;
	/** 'tfjs', or 'onnx:<variant>' to run the form row through the exported ONNX graph in ONNX Runtime Web. */
	runtime = $state('tfjs');
	/** Runtimes the form offers: tfjs, the ONNX export, and the run's measured ONNX variants. */
	runtimes = $state.raw<{ value: string; label: string }[]>([]);
	/** Which runtime gave the single prediction shown. */
	usedRuntime = $state('');

	async use(run: RunRecord | null): Promise<void> {
		if (this.model?.runId === run?.id) return;
		this.single = null;
		this.explanation = null;
		this.clearBatch();
		this.model = null;
		this.runtime = 'tfjs';
		this.runtimes = [];
		if (!run?.modelId) return;
		try {
			this.model = await getModel(run.modelId);
			const variants = (await getTradeoff(run.id))?.rows.filter((r) => r.onnx && r.id !== 'float32') ?? [];
			// A classic model predicts with Kiln's own code; linear models and trees also export to ONNX. Pipeline runs' ONNX takes encoded features, so no raw-row ONNX choice.
			const onnxOk = !!this.model.preprocessing;
			this.runtimes = !onnxOk ? [] : run.config.classic ? (classicOnnx(run.config.classic.family) ? [
				{ value: 'tfjs', label: 'Kiln (the model as trained)' },
				{ value: 'onnx:float32', label: 'ONNX Runtime Web (the ONNX export)' }
			] : []) : [
				{ value: 'tfjs', label: 'TensorFlow.js (the model as trained)' },
				{ value: 'onnx:float32', label: 'ONNX Runtime Web (the ONNX export)' },
				...variants.map((v) => ({ value: `onnx:${v.id}`, label: `ONNX Runtime Web — ${v.label}` }))
			];
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
			if (this.runtime.startsWith('onnx:')) {
				const result = await bridge.predictRowsOnnx({ runId: this.model.runId, variantId: this.runtime.slice(5) }, [row]);
				this.single = result;
				this.usedRuntime = this.runtimes.find((r) => r.value === this.runtime)?.label ?? result.runtime;
				// Attributions explain the tfjs model; a variant's graph is not that model.
				return;
			}
			this.single = await bridge.predictRows(this.model.id, [row], backend);
			this.usedRuntime = '';
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
			const signal = this.#controller.signal;
			const onnx = this.runtime.startsWith('onnx:');
			const result = onnx
				? await bridge.predictFileOnnx({ runId: this.model.runId, variantId: this.runtime.slice(5) }, file, file.name, signal)
				: await bridge.predictFile(this.model.id, file, file.name, await getSetting('backend'), signal);
			const runtime = onnx ? this.runtimes.find((r) => r.value === this.runtime)?.label : undefined;
			this.batch = { ...result, fileName: file.name, url: URL.createObjectURL(result.csv), runtime };
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
