import { asset } from '$app/paths';
import { parseCsvFile } from '$lib/bridge';
import { toUiError, type UiError } from '$lib/components/ui-error';
import {
	deleteRun,
	getDataset,
	getProject,
	listRuns,
	loadTable,
	saveDataset,
	settleOrphanRuns,
	updateProject,
	type DatasetRecord,
	type ProjectRecord,
	type RunRecord
} from '$lib/db';
import type { Table, Task } from '$workers/protocol';
import { findColumn, guessTarget, inferTask } from '$shared/table';
import { activeRunIds } from '../train/run-locks';

export interface DemoDataset {
	id: string;
	name: string;
	file: string;
	target: string;
	task: Task;
	rows: number;
	columns: number;
	description: string;
	license: string;
	source: string;
}

/** One project's working state: its dataset, target, runs and whatever is in progress. */
export class Workspace {
	project = $state.raw<ProjectRecord | null>(null);
	dataset = $state.raw<DatasetRecord | null>(null);
	table = $state.raw<Table | null>(null);
	runs = $state.raw<RunRecord[]>([]);
	selectedRunId = $state<string | null>(null);
	error = $state<UiError | null>(null);
	loading = $state(true);
	busy = $state<string | null>(null);
	/** Share of the current import done, or null when the step has no measurable progress. */
	busyProgress = $state<number | null>(null);

	selectedRun = $derived(this.runs.find((r) => r.id === this.selectedRunId) ?? this.runs.find((r) => r.status === 'done') ?? null);
	features = $derived(this.table && this.project?.target ? this.table.columns.map((c) => c.name).filter((n) => n !== this.project?.target) : []);

	async load(id: string): Promise<void> {
		this.loading = true;
		try {
			this.project = await getProject(id);
			await settleOrphanRuns(id, await activeRunIds());
			this.runs = await listRuns(id);
			if (this.project.datasetId) {
				this.dataset = await getDataset(this.project.datasetId);
				this.table = await loadTable(this.dataset);
			}
		} catch (e) {
			this.error = toUiError(e);
		} finally {
			this.loading = false;
		}
	}

	async refreshRuns(): Promise<void> {
		if (this.project) this.runs = await listRuns(this.project.id);
	}

	async importFile(file: Blob, fileName: string, source: DatasetRecord['source'] = 'upload', preferredTarget?: string): Promise<boolean> {
		if (!this.project) return false;
		this.error = null;
		this.busy = `Reading ${fileName}…`;
		try {
			const parsed = await parseCsvFile(file, fileName, undefined, (f) => (this.busyProgress = f));
			this.busyProgress = null;
			this.busy = `Saving ${fileName}…`;
			// The parsed buffers are stored, then kept for display: nothing is transferred away.
			const record = await saveDataset({
				projectId: this.project.id,
				name: fileName.replace(/\.[^.]+$/, ''),
				fileName,
				source,
				table: parsed.table,
				profile: parsed.profile
			});
			this.dataset = record;
			this.table = parsed.table;
			const target = preferredTarget && parsed.table.columns.some((c) => c.name === preferredTarget) ? preferredTarget : guessTarget(parsed.table);
			await this.setTarget(target);
			return true;
		} catch (e) {
			this.error = toUiError(e);
			return false;
		} finally {
			this.busy = null;
			this.busyProgress = null;
		}
	}

	async importDemo(demo: DemoDataset): Promise<void> {
		this.error = null;
		this.busy = `Loading ${demo.name}…`;
		try {
			const response = await fetch(asset(`/datasets/${demo.file}`));
			if (!response.ok) throw new Error(`The demo file ${demo.file} could not be loaded (HTTP ${response.status}).`);
			await this.importFile(await response.blob(), demo.file, 'demo', demo.target);
		} catch (e) {
			this.error = toUiError(e);
			this.busy = null;
		}
	}

	async deleteRun(run: RunRecord): Promise<void> {
		try {
			await deleteRun(run);
			if (this.selectedRunId === run.id) this.selectedRunId = null;
			await this.refreshRuns();
		} catch (e) {
			this.error = toUiError(e);
		}
	}

	async setTarget(target: string): Promise<void> {
		if (!this.project || !this.table) return;
		const task = inferTask(findColumn(this.table, target));
		this.project = await updateProject(this.project.id, { target, task });
	}

	async setTask(task: Task): Promise<void> {
		if (!this.project) return;
		this.project = await updateProject(this.project.id, { task });
	}
}

export async function loadDemoIndex(): Promise<DemoDataset[]> {
	const response = await fetch(asset('/datasets/index.json'));
	if (!response.ok) throw new Error(`The list of demo datasets could not be loaded (HTTP ${response.status}).`);
	return response.json();
}
