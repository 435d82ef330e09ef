import * as bridge from '$lib/bridge';
import { toUiError, type UiError } from '$lib/components/ui-error';
import { getProject, listPipelines, listRuns, settleOrphanImports, settleOrphanRuns, updateProject, useDataset, useRunModel, type DatasetRecord, type PipelineRecord, type ProjectRecord, type RunRecord } from '$lib/db';
import { jobs } from '$lib/jobs/registry.svelte';
import type { Task } from '$workers/protocol';
import { activeRunIds } from '../train/run-locks';
import { activeImportIds } from '../data/import-locks';
import { leftOutColumns } from './left-out';

/**
 * One project as its sections see it: the record, its datasets, its runs. Sections keep their
 * own state (data, train, runs, predict); this holds what they share, read from IndexedDB and
 * read again whenever a job stores something.
 */
export class ProjectState {
	project = $state.raw<ProjectRecord | null>(null);
	datasets = $state.raw<DatasetRecord[]>([]);
	runs = $state.raw<RunRecord[]>([]);
	/** Saved pipeline versions, newest first. */
	pipelines = $state.raw<PipelineRecord[]>([]);
	error = $state<UiError | null>(null);
	loading = $state(true);

	dataset = $derived(this.datasets.find((d) => d.id === this.project?.datasetId) ?? null);
	/** Columns the model can learn from: every column but the target. */
	features = $derived(this.dataset && this.project?.target ? this.dataset.columns.map((c) => c.name).filter((n) => n !== this.project?.target) : []);
	/** Features a new model leaves out unless ticked: the profile's identifiers, personal data and constant columns. */
	leftOut = $derived(leftOutColumns(this.dataset?.details?.warnings, this.features));
	/** What a new model (Train, Tune, Find a model, Trust's first runs) learns from unless a person chooses otherwise. */
	defaultFeatures = $derived(this.features.filter((f) => !this.leftOut.some((l) => l.column === f)));
	modelRun = $derived(this.runs.find((r) => r.id === this.project?.modelRunId && r.status === 'done') ?? null);

	constructor(readonly id: string) {}

	async load(): Promise<void> {
		this.loading = true;
		try {
			await settleOrphanRuns(this.id, await activeRunIds());
			await settleOrphanImports(this.id, await activeImportIds());
			await this.refresh();
		} catch (e) {
			this.error = toUiError(e);
		} finally {
			this.loading = false;
		}
	}

	async refresh(): Promise<void> {
		// Datasets through the reader worker: a big dataset's record is not deserialised on the main thread.
		const [project, datasets, runs, pipelines] = await Promise.all([getProject(this.id), bridge.listDatasets(this.id), listRuns(this.id), listPipelines(this.id)]);
		this.project = project;
		this.datasets = datasets;
		this.runs = runs;
		this.pipelines = pipelines;
	}

	/** Run a change, then read the project again; errors are shown, not thrown. */
	async change(action: () => Promise<unknown>): Promise<boolean> {
		this.error = null;
		try {
			await action();
			await this.refresh();
			return true;
		} catch (e) {
			this.error = toUiError(e);
			return false;
		}
	}

	setTarget(target: string, task: Task): Promise<boolean> {
		return this.change(() => updateProject(this.id, { target, task }));
	}

	setTask(task: Task): Promise<boolean> {
		return this.change(() => updateProject(this.id, { task }));
	}

	useDataset(datasetId: string): Promise<boolean> {
		return this.change(() => useDataset(this.id, datasetId));
	}

	useModel(runId: string): Promise<boolean> {
		return this.change(() => useRunModel(this.id, runId));
	}

	/** Jobs of this project that are queued or running. */
	get activeJobs() {
		return jobs.active.filter((j) => j.projectId === this.id);
	}
}
