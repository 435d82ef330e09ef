import * as bridge from '$lib/bridge';
import { toUiError } from '$lib/components/ui-error';
import { getSetting, getTradeoff, type RunRecord } from '$lib/db';
import { jobs, type Job } from '$lib/jobs/registry.svelte';
import type { OnnxExportResult, ShipProgress, TfjsExportResult, TradeoffTable } from '$workers/protocol';
import { describeModel } from '../evaluate/format';
import { Action, Download } from './ship.svelte';

/** Pruning sparsities offered in the form (shares of zeros). */
export const SPARSITY_CHOICES = [0.5, 0.7, 0.8, 0.9] as const;

/** The compression job of a run, if any (running or finished). */
export function compressJob(run: RunRecord): Job | undefined {
	return jobs.forProject(run.projectId, 'compress').findLast((j) => j.runId === run.id);
}

/**
 * Export and compression of the picked run: the variant to export (the original or one from the
 * trade-off table), the ONNX file checked in ONNX Runtime Web, the tfjs files, and the
 * trade-off job whose table is stored with the run.
 */
export class ShipExportState {
	variantId = $state('float32');
	onnx = $state.raw<OnnxExportResult | null>(null);
	onnxProgress = $state.raw<ShipProgress | null>(null);
	readonly onnxFile = new Download();
	/** Image runs: the pre-processing sidecar beside the .onnx file. */
	readonly sidecarFile = new Download();
	readonly onnxAction = new Action();
	tfjs = $state.raw<TfjsExportResult | null>(null);
	readonly tfjsFile = new Download();
	readonly tfjsAction = new Action();
	#controller: AbortController | null = null;

	sparsities = $state<number[]>([0.5, 0.8]);
	fineTuneEpochs = $state(5);
	table = $state.raw<TradeoffTable | null>(null);
	tableError = $state<string | null>(null);
	#loadedFor: string | null = null;

	constructor(
		private readonly run: () => RunRecord | null,
		private readonly fileBase: () => string
	) {}

	get job(): Job | undefined {
		const run = this.run();
		return run ? compressJob(run) : undefined;
	}

	/** Trained through a recorded pipeline: the ONNX export carries it as pipeline.json; tfjs files do not. */
	get pipelineRun(): boolean {
		return !!this.run()?.pipelineId;
	}

	get variantLabel(): string {
		return this.table?.rows.find((r) => r.id === this.variantId)?.label ?? 'Original (float32)';
	}

	/** Whether the picked variant has an ONNX form (tables measured before float16 ONNX existed lack it). */
	get variantHasOnnx(): boolean {
		const row = this.table?.rows.find((r) => r.id === this.variantId);
		return !row || !!row.onnx;
	}

	/** Read the run's stored table when the run changes or a compression job stored a new one. */
	async refresh(): Promise<void> {
		const run = this.run();
		if (!run) return;
		const key = `${run.id}|${jobs.changes}`;
		if (this.#loadedFor === key) return;
		this.#loadedFor = key;
		try {
			this.table = await getTradeoff(run.id);
			if (!this.table?.rows.some((r) => r.id === this.variantId)) this.variantId = 'float32';
		} catch (e) {
			this.tableError = toUiError(e).message;
		}
	}

	pick(variantId: string): void {
		this.variantId = variantId;
		this.clearExports();
	}

	clearExports(): void {
		this.onnx = null;
		this.tfjs = null;
		this.onnxFile.clear();
		this.sidecarFile.clear();
		this.tfjsFile.clear();
		this.onnxAction.error = null;
		this.tfjsAction.error = null;
	}

	async exportOnnx(): Promise<void> {
		const run = this.run();
		if (!run) return;
		this.onnx = null;
		this.onnxFile.clear();
		this.#controller = new AbortController();
		const signal = this.#controller.signal;
		const variantId = this.variantId;
		const result = await this.onnxAction.run('Exporting to ONNX…', () => bridge.exportOnnx({ runId: run.id, variantId }, () => getSetting('backend'), (p) => (this.onnxProgress = p), signal));
		this.onnxProgress = null;
		this.#controller = null;
		if (!result) return;
		this.onnx = result;
		this.onnxFile.set(result.file, `${this.fileBase()}${variantId === 'float32' ? '' : `-${variantId}`}${result.sidecar ? '-onnx.zip' : '.onnx'}`, result.bytes);
		if (result.imageSidecar) this.sidecarFile.set(result.imageSidecar, `${this.fileBase()}.preprocessing.json`);
	}

	cancelOnnx(): void {
		this.#controller?.abort();
	}

	async exportTfjs(): Promise<void> {
		const run = this.run();
		if (!run) return;
		this.tfjs = null;
		this.tfjsFile.clear();
		const variantId = this.variantId;
		const result = await this.tfjsAction.run('Writing the tfjs files…', () => bridge.exportTfjs({ runId: run.id, variantId }));
		if (!result) return;
		this.tfjs = result;
		this.tfjsFile.set(result.file, `${this.fileBase()}${variantId === 'float32' ? '' : `-${variantId}`}-tfjs.zip`, result.bytes);
	}

	/** Build and measure the variants as a studio job (progress, Cancel); the table is stored with the run. */
	startCompression(): Job | undefined {
		const run = this.run();
		if (!run?.modelId) return undefined;
		const running = compressJob(run);
		if (running?.active) return running;
		// Every network gets the whole-filter / whole-unit row (with int8, the only raw file past 4×
		// smaller); image runs also the one-shot (no fine-tuning) row: CNNs differ most there.
		const request = { runId: run.id, sparsities: [...this.sparsities].sort((a, b) => a - b), fineTuneEpochs: this.fineTuneEpochs, structured: [0.5], ...(run.config.vision ? { oneShot: true } : {}) };
		const job = jobs.add('compress', run.projectId, `Compress ${describeModel(run.config)} on “${run.config.target}”`);
		job.runId = run.id;
		this.variantId = 'float32';
		this.clearExports();
		void (async () => {
			try {
				const table = await bridge.compressRun(
					request,
					() => getSetting('backend'),
					job.onProgress,
					job.controller.signal,
					job.startedWith('Starting the worker…')
				);
				if (this.run()?.id === run.id) this.table = table;
				job.finish('done');
			} catch (e) {
				const error = toUiError(e);
				job.finishWithError(error);
			} finally {
				jobs.stored();
			}
		})();
		return job;
	}

	dispose(): void {
		this.cancelOnnx();
		this.onnxFile.clear();
		this.sidecarFile.clear();
		this.tfjsFile.clear();
	}
}
