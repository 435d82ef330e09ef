import type { UiError } from '$lib/components/ui-error';
import type { BackendName, EpochRecord, MetricName } from '$workers/protocol';

export type JobKind = 'train' | 'import' | 'predict' | 'profile' | 'evaluate' | 'tune' | 'compress' | 'audit' | 'find-model';
export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'diverged';

let counter = 0;

/**
 * One long piece of work the studio runs: its progress, live history and outcome. Jobs belong
 * to the studio, not to a page, so leaving a page and coming back finds them as they are.
 */
export class Job {
	readonly id = `job-${++counter}`;
	readonly startedAt = Date.now();
	readonly controller = new AbortController();
	status = $state<JobStatus>('queued');
	progress = $state(0);
	label = $state('Waiting for a free worker…');
	history = $state.raw<EpochRecord[]>([]);
	logs = $state.raw<string[]>([]);
	metricName = $state<MetricName>('accuracy');
	backend = $state<BackendName | null>(null);
	backendNote = $state('');
	checkpointEpoch = $state<number | null>(null);
	error = $state<UiError | null>(null);
	finishedAt = $state<number | null>(null);
	/** The run the job trains, once it exists. */
	runId = $state<string | null>(null);
	/** Resolves when the job has finished, whatever the outcome. */
	readonly settled: Promise<void>;
	#settle!: () => void;

	constructor(
		readonly kind: JobKind,
		readonly projectId: string,
		readonly title: string
	) {
		this.settled = new Promise((resolve) => (this.#settle = resolve));
	}

	get active(): boolean {
		return this.status === 'queued' || this.status === 'running';
	}

	cancel(): void {
		this.controller.abort();
	}

	log(message: string): void {
		this.logs = [...this.logs, message];
	}

	/** The progress callback the bridge's calls take. */
	readonly onProgress = (p: { fraction: number; label: string }): void => {
		this.progress = p.fraction;
		this.label = p.label;
	};

	/** The callback the bridge's calls run once a worker has taken the job. */
	startedWith(label: string): () => void {
		return () => {
			this.status = 'running';
			this.label = label;
		};
	}

	/** Ends the job from what was thrown: a cancel is not a failure and shows no error. */
	finishWithError(error: UiError): void {
		const cancelled = error.name === 'AbortError';
		this.finish(cancelled ? 'cancelled' : 'failed', cancelled ? null : error);
	}

	finish(status: Exclude<JobStatus, 'queued' | 'running'>, error: UiError | null = null): void {
		this.status = status;
		this.error = error;
		this.finishedAt = Date.now();
		this.label = '';
		this.#settle();
	}
}
