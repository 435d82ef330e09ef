import * as bridge from '$lib/bridge';
import { toUiError, type UiError } from '$lib/components/ui-error';
import { savePipelineVersion, type DatasetRecord, type PipelineRecord } from '$lib/db';
import type { ColumnKind, PipelinePreviewResult } from '$workers/protocol';
import { emptyPipeline, parsePipeline, serialisePipeline, type FeatureStep, type Pipeline, type TableStep } from '$workers/lib/data/pipeline';
import { defaultEncoding, startingPipeline } from './starting-pipeline';

const same = (a: Pipeline, b: Pipeline) => JSON.stringify(a) === JSON.stringify(b);
const HISTORY = 100;

/**
 * The pipeline being edited: every change goes through `apply`, so undo and redo see each one,
 * and each change is previewed on a sample of the dataset in the data worker (debounced; a newer
 * preview cancels the one running). Saving stores a new version; versions never change.
 */
export class PipelineEditor {
	draft = $state.raw<Pipeline>(emptyPipeline());
	past = $state.raw<Pipeline[]>([]);
	future = $state.raw<Pipeline[]>([]);
	name = $state('Cleaning');
	/** The saved version the draft started from (null: a new pipeline). */
	base = $state.raw<PipelineRecord | null>(null);
	preview = $state.raw<PipelinePreviewResult | null>(null);
	previewError = $state<UiError | null>(null);
	previewing = $state(false);
	error = $state<UiError | null>(null);
	saving = $state(false);
	#baseline: Pipeline = emptyPipeline();
	#timer: ReturnType<typeof setTimeout> | null = null;
	/** Previews run in the shared reader worker; a stale one is ignored rather than aborted (abort would restart the worker). */
	#sequence = 0;

	dirty = $derived(!same(this.draft, this.#baselineState()));

	constructor(
		private readonly datasetId: () => string | undefined,
		private readonly projectId: string
	) {}

	#baselineState(): Pipeline {
		void this.base;
		return this.#baseline;
	}

	/** Start from a saved version, or from the built-in encoding of the dataset. */
	load(record: PipelineRecord | null, dataset: DatasetRecord, target: string | undefined): void {
		this.error = null;
		try {
			this.#baseline = record ? parsePipeline(record.pipeline) : startingPipeline(dataset, target);
		} catch (e) {
			this.error = toUiError(e);
			this.#baseline = startingPipeline(dataset, target);
		}
		this.name = record?.name ?? 'Cleaning';
		this.draft = this.#baseline;
		this.past = [];
		this.future = [];
		this.base = record;
		this.schedulePreview(0);
	}

	apply(next: Pipeline): void {
		if (same(next, this.draft)) return;
		this.past = [...this.past, this.draft].slice(-HISTORY);
		this.future = [];
		this.draft = next;
		this.schedulePreview();
	}

	undo(): void {
		const previous = this.past.at(-1);
		if (!previous) return;
		this.future = [this.draft, ...this.future];
		this.past = this.past.slice(0, -1);
		this.draft = previous;
		this.schedulePreview();
	}

	redo(): void {
		const next = this.future[0];
		if (!next) return;
		this.past = [...this.past, this.draft];
		this.future = this.future.slice(1);
		this.draft = next;
		this.schedulePreview();
	}

	addStep(step: TableStep): void {
		this.apply({ ...this.draft, steps: [...this.draft.steps, step] });
	}

	replaceStep(index: number, step: TableStep): void {
		this.apply({ ...this.draft, steps: this.draft.steps.map((s, i) => (i === index ? step : s)) });
	}

	removeStep(index: number): void {
		this.apply({ ...this.draft, steps: this.draft.steps.filter((_, i) => i !== index) });
	}

	moveStep(index: number, by: -1 | 1): void {
		const to = index + by;
		if (to < 0 || to >= this.draft.steps.length) return;
		const steps = [...this.draft.steps];
		[steps[index], steps[to]] = [steps[to], steps[index]];
		this.apply({ ...this.draft, steps });
	}

	/** Set (or, with null, remove) the encoding of a column, keeping the others in their order. */
	setEncoding(column: string, step: FeatureStep | null): void {
		const at = this.draft.features.findIndex((f) => f.column === column);
		const features = [...this.draft.features];
		if (step && at >= 0) features[at] = step;
		else if (step) features.push(step);
		else if (at >= 0) features.splice(at, 1);
		this.apply({ ...this.draft, features });
	}

	/** Encode every column the table steps leave (but the target) the built-in way; keep choices already made. */
	async useEveryColumn(target: string | undefined): Promise<void> {
		// The columns come from the preview: bring it up to date with the draft first (an undo a
		// moment ago may not have been previewed yet).
		if (this.#timer) clearTimeout(this.#timer);
		await this.runPreview();
		const columns = this.preview?.columns ?? [];
		const kept = this.draft.features.filter((f) => columns.some((c) => c.name === f.column));
		const added = columns.filter((c) => c.name !== target && !kept.some((f) => f.column === c.name)).map((c) => defaultEncoding(c.name, c.kind));
		this.apply({ ...this.draft, features: [...kept, ...added] });
	}

	schedulePreview(delay = 250): void {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = setTimeout(() => void this.runPreview(), delay);
	}

	async runPreview(): Promise<void> {
		const datasetId = this.datasetId();
		if (!datasetId) return;
		const sequence = ++this.#sequence;
		this.previewing = true;
		try {
			const result = await bridge.previewPipeline(datasetId, $state.snapshot(this.draft) as Pipeline);
			if (sequence !== this.#sequence) return;
			this.preview = result;
			this.previewError = null;
		} catch (e) {
			if (sequence === this.#sequence) this.previewError = toUiError(e);
		} finally {
			if (sequence === this.#sequence) this.previewing = false;
		}
	}

	/** Store the draft as the project's next version; refused (with the reason) when a step is invalid. */
	async save(): Promise<PipelineRecord | null> {
		this.error = null;
		this.saving = true;
		try {
			const pipeline = JSON.parse(serialisePipeline(this.draft)) as Pipeline;
			const record = await savePipelineVersion({ projectId: this.projectId, datasetId: this.datasetId(), name: this.name.trim() || 'Pipeline', pipeline });
			this.#baseline = pipeline;
			this.base = record;
			return record;
		} catch (e) {
			this.error = toUiError(e);
			return null;
		} finally {
			this.saving = false;
		}
	}

	dispose(): void {
		if (this.#timer) clearTimeout(this.#timer);
		this.#sequence++;
	}
}
