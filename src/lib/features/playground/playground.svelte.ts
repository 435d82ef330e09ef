import { asset } from '$app/paths';
import * as bridge from '$lib/bridge';
import { KilnError } from '$shared/errors';
import { toUiError, type UiError } from '$lib/components/ui-error';
import { getSetting } from '$lib/db';
import type { LatencyRow, ModelSignature, PlaygroundInput, PlaygroundPrediction, PlaygroundProgress, TensorSpec } from '$workers/protocol';

export const SAMPLE_MODEL = 'iris-mlp.onnx';

/** Inputs with at most this many values per item get one field per value. */
const FIELD_LIMIT = 32;

/** Values one item of a 1-D feature input takes ([N, k] or [k], k fixed), or null for other shapes. */
export function fieldCount(spec: TensorSpec): number | null {
	const d = spec.dims;
	const width = d.length === 2 && typeof d[0] === 'string' ? d[1] : d.length === 1 ? d[0] : d.length === 2 && d[0] === 1 ? d[1] : null;
	return typeof width === 'number' && width >= 1 && width <= FIELD_LIMIT ? width : null;
}

/**
 * The playground page's state: one model at a time, loaded into the playground worker, its
 * predictions and its per-backend latency. Every call can be cancelled (which drops the model).
 */
export class Playground {
	signature = $state.raw<ModelSignature | null>(null);
	progress = $state.raw<PlaygroundProgress | null>(null);
	/** What is running: 'load', 'predict' or 'latency'. */
	busy = $state<'load' | 'predict' | 'latency' | null>(null);
	error = $state<UiError | null>(null);
	prediction = $state.raw<PlaygroundPrediction | null>(null);
	/** What the prediction shown was made from, for its caption. */
	source = $state('');
	latency = $state.raw<LatencyRow[] | null>(null);
	/** Per input: one text (JSON or numbers) and, for small 1-D inputs, its fields. */
	texts = $state<Record<string, string>>({});
	fields = $state<Record<string, string[]>>({});
	/** Per input: show the fields (true) or the text box. */
	useFields = $state<Record<string, boolean>>({});
	scale = $state(true);
	#controller: AbortController | null = null;

	async #run<T>(kind: 'load' | 'predict' | 'latency', work: (signal: AbortSignal) => Promise<T>): Promise<T | null> {
		this.#controller?.abort();
		const controller = new AbortController();
		this.#controller = controller;
		this.busy = kind;
		this.error = null;
		this.progress = null;
		try {
			return await work(controller.signal);
		} catch (e) {
			const error = toUiError(e);
			if (error.name === 'AbortError') {
				// Cancel stops the worker, and the model in it.
				this.#forget();
				this.error = { name: 'AbortError', message: kind === 'load' ? 'Loading was cancelled.' : 'Cancelled. The model was unloaded with its worker: load it again to go on.' };
			} else {
				this.error = error;
				if (error.name === 'WorkerError') this.#forget();
			}
			return null;
		} finally {
			if (this.#controller === controller) {
				this.#controller = null;
				this.busy = null;
				this.progress = null;
			}
		}
	}

	#forget(): void {
		this.signature = null;
		this.prediction = null;
		this.latency = null;
	}

	cancel(): void {
		this.#controller?.abort();
	}

	/** The shipped sample (static/models/samples): an iris MLP Kiln trained and exported to ONNX. */
	async trySample(): Promise<void> {
		this.error = null;
		try {
			const response = await fetch(asset(`/models/samples/${SAMPLE_MODEL}`));
			if (!response.ok) throw new KilnError('NotFoundError', `The sample model could not be read (HTTP ${response.status}); open a model file instead.`);
			await this.load([new File([await response.blob()], SAMPLE_MODEL, { type: 'application/octet-stream' })]);
		} catch (e) {
			this.error = toUiError(e);
		}
	}

	async load(files: File[]): Promise<void> {
		if (files.length === 0) return;
		this.#forget();
		const signature = await this.#run('load', async (signal) =>
			bridge.playgroundLoad(files.map((file) => ({ name: file.webkitRelativePath || file.name, file })), await getSetting('backend'), (p) => (this.progress = p), signal)
		);
		if (!signature) return;
		this.texts = Object.fromEntries(signature.inputs.map((s) => [s.name, '']));
		this.fields = Object.fromEntries(signature.inputs.map((s) => [s.name, Array.from({ length: fieldCount(s) ?? 0 }, () => '')]));
		this.useFields = Object.fromEntries(signature.inputs.map((s) => [s.name, fieldCount(s) !== null]));
		this.signature = signature;
	}

	async #predict(input: PlaygroundInput, source: string): Promise<void> {
		const result = await this.#run('predict', (signal) => bridge.playgroundPredict(input, signal));
		if (result) {
			this.prediction = result;
			this.source = source;
			this.latency = null;
		}
	}

	async predictValues(): Promise<void> {
		const texts: Record<string, string> = {};
		for (const spec of this.signature?.inputs ?? []) {
			if (!this.useFields[spec.name]) {
				texts[spec.name] = this.texts[spec.name];
				continue;
			}
			const values = this.fields[spec.name].map((v) => v.trim());
			const empty = values.findIndex((v) => v === '');
			// An empty field is never read as zero.
			if (empty >= 0) {
				this.error = { name: 'ValidationError', message: `Input "${spec.name}": field ${spec.name}[${empty}] is empty; it takes ${values.length} values.` };
				return;
			}
			texts[spec.name] = values.join(',');
		}
		await this.#predict({ kind: 'values', texts }, 'the values typed');
	}

	predictCsv(file: File): Promise<void> {
		return this.#predict({ kind: 'csv', file, fileName: file.name }, `rows of ${file.name}`);
	}

	predictImage(file: Blob, fileName: string): Promise<void> {
		return this.#predict({ kind: 'image', file, fileName, scale: this.scale }, fileName);
	}

	async measure(): Promise<void> {
		const rows = await this.#run('latency', (signal) => bridge.playgroundLatency((p) => (this.progress = p), signal));
		if (rows) this.latency = rows;
	}
}
