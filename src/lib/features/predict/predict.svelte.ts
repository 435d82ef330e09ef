import * as bridge from '$lib/bridge';
import { toUiError, type UiError } from '$lib/components/ui-error';
import { getModel, getSetting, getTradeoff, type ModelRecord, type RunRecord } from '$lib/db';
import { DriftChecks } from './drift-checks.svelte';
import type { BackendChoice, FilePrediction, PredictResult, PredictRuntime, RowExplanation, RuntimePick } from '$workers/protocol';
import { runtimeChoices } from './runtime-line';

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
	/** The model's drift checks: one per predicted file, kept across reloads. */
	readonly drift = new DriftChecks();
	#controller: AbortController | null = null;
	/** 'auto' (the measured pick), 'tfjs', 'js', or 'onnx:<variant>' to run the form row through the exported ONNX graph in ONNX Runtime Web. */
	runtime = $state('auto');
	/** Runtimes the form offers: the measured pick, tfjs, the ONNX export, and the run's measured ONNX variants. */
	runtimes = $state.raw<{ value: string; label: string }[]>([]);
	/** Which runtime gave the single prediction shown, and whether attributions apply to it. */
	usedRuntime = $state('');
	attributable = $state(true);
	/** The measured runtime pick for the model in use (stored with its run); null until measured or when there is one runtime. */
	pick = $state.raw<RuntimePick | null>(null);
	#picked = false;
	#backend: BackendChoice = 'auto';
	#run: RunRecord | null = null;
	#variants: { id: string; label: string }[] = [];

	#hasPlainJs(): boolean {
		return !!this.pick?.timings.some((t) => t.runtime === 'js');
	}

	/** The plain forward is offered once a measurement showed the model can run it. */
	#refreshChoices(): void {
		if (this.#run && this.model) this.runtimes = runtimeChoices(this.#run, this.model, this.#variants, this.#hasPlainJs());
	}

	async use(run: RunRecord | null): Promise<void> {
		if (this.model?.runId === run?.id) return;
		this.single = null;
		this.explanation = null;
		this.clearBatch();
		this.model = null;
		this.runtime = 'auto';
		this.runtimes = [];
		this.pick = run?.runtimePick?.modelId === run?.modelId ? (run?.runtimePick ?? null) : null;
		this.#picked = !!this.pick;
		this.#run = run;
		void this.drift.load(null);
		if (!run?.modelId) return;
		try {
			this.#backend = await getSetting('backend');
			this.model = await getModel(run.modelId);
			void this.drift.load(this.model);
			this.#variants = (await getTradeoff(run.id))?.rows.filter((r) => r.onnx && r.id !== 'float32').map((v) => ({ id: v.id, label: v.label })) ?? [];
			this.runtimes = runtimeChoices(run, this.model, this.#variants, this.#hasPlainJs());
		} catch (e) {
			this.error = toUiError(e);
		}
	}

	/**
	 * A raw form row → its prediction, on the runtime chosen ('auto': the one measured fastest
	 * for this model, timed on this row the first time). The whole page↔worker path the bench times.
	 */
	async label(row: Record<string, string>): Promise<PredictResult & { runtimeLabel: string; explainable: boolean }> {
		const model = this.model!;
		if (this.runtime === 'auto' && !this.#picked) {
			this.busy = 'Measuring which runtime predicts faster for this model…';
			this.pick = await bridge.pickPredictRuntime(model.runId, row, this.#backend);
			this.#picked = true;
			this.#refreshChoices();
			this.busy = 'Predicting…';
		}
		const chosen: PredictRuntime | string = this.runtime === 'auto' ? (this.pick?.runtime ?? 'tfjs') : this.runtime === 'onnx:float32' ? 'onnx' : this.runtime;
		if (chosen.startsWith('onnx:')) {
			// A compressed variant's graph: the manual path, through its own ONNX file.
			const result = await bridge.predictRowsOnnx({ runId: model.runId, variantId: chosen.slice(5) }, [row]);
			return { ...result, runtimeLabel: this.runtimes.find((r) => r.value === chosen)?.label ?? result.runtime, explainable: false };
		}
		const runtime = chosen as PredictRuntime;
		const label = this.runtimes.find((r) => r.value === (runtime === 'onnx' ? 'onnx:float32' : runtime))?.label ?? '';
		// The plain forward through shared memory when the page is isolated; null: the message lane.
		const shared = runtime === 'js' ? await bridge.predictRowShared(model.id, this.#backend, row) : null;
		if (shared) return Object.assign(shared, { runtime, runtimeLabel: label, explainable: true });
		const result = await bridge.predictRowWith({ modelId: model.id, runtime, backend: this.#backend }, row);
		return { ...result, runtimeLabel: label, explainable: true };
	}

	/** Measure the runtimes again (e.g. after switching the compute backend), then use the new pick. */
	async remeasure(values: Record<string, string>): Promise<void> {
		if (!this.model) return;
		this.error = null;
		this.busy = 'Measuring which runtime predicts faster for this model…';
		try {
			this.pick = await bridge.pickPredictRuntime(this.model.runId, $state.snapshot(values), this.#backend, true);
			this.#picked = true;
			this.#refreshChoices();
		} catch (e) {
			this.error = toUiError(e);
		} finally {
			this.busy = null;
		}
	}

	async predictRow(values: Record<string, string>): Promise<void> {
		if (!this.model) return;
		this.error = null;
		this.busy = 'Predicting…';
		this.explanation = null;
		this.explainError = null;
		const row = $state.snapshot(values);
		let explainable = false;
		try {
			const result = await this.label(row);
			this.single = result;
			this.usedRuntime = result.runtimeLabel;
			explainable = this.attributable = result.explainable;
		} catch (e) {
			this.error = toUiError(e);
			this.single = null;
			return;
		} finally {
			this.busy = null;
		}
		// Attributions explain the model as trained (its ONNX export computes the same); a variant's graph is not that model.
		if (!explainable) return;
		this.explaining = true;
		try {
			this.explanation = await bridge.explainPrediction(this.model.id, row, this.#backend);
		} catch (e) {
			this.explainError = toUiError(e);
		} finally {
			this.explaining = false;
		}
	}

	async predictFile(file: File): Promise<void> {
		if (!this.model) return;
		const modelId = this.model.id;
		this.error = null;
		this.clearBatch();
		this.busy = `Predicting the rows of ${file.name}…`;
		this.#controller = new AbortController();
		try {
			const signal = this.#controller.signal;
			// A file is many rows: 'auto' follows the batch-1 pick only to ONNX; the plain forward is for single rows.
			const choice = this.runtime === 'auto' ? (this.pick?.runtime === 'onnx' ? 'onnx:float32' : 'tfjs') : this.runtime;
			const onnx = choice.startsWith('onnx:');
			const result = onnx
				? await bridge.predictFileOnnx({ runId: this.model.runId, variantId: choice.slice(5) }, file, file.name, signal)
				: await bridge.predictFile(modelId, file, file.name, await getSetting('backend'), signal);
			const runtime = onnx ? this.runtimes.find((r) => r.value === choice)?.label : undefined;
			this.batch = { ...result, fileName: file.name, url: URL.createObjectURL(result.csv), runtime };
			await this.drift.keep(result.drift, file.name, modelId);
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
