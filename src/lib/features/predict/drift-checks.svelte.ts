import { toUiError } from '$lib/components/ui-error';
import { listDriftChecks, MAX_DRIFT_CHECKS, saveDriftCheck, type DriftCheck } from '$lib/db';
import type { FileDrift } from '$workers/protocol';

/** A model's drift checks on the page: read when the model is chosen, one added per predicted file. */
export class DriftChecks {
	/** Oldest first, as stored. */
	checks = $state.raw<DriftCheck[]>([]);
	/** The check shown (its time); null: the newest. */
	shownAt = $state<number | null>(null);
	/** Why the last file has no check, or why it was not kept. */
	note = $state<string | null>(null);
	#model: { id: string; projectId: string } | null = null;

	readonly shown = $derived(this.checks.find((c) => c.at === this.shownAt) ?? this.checks.at(-1) ?? null);

	/** Reads of checks started: only the latest one's answer is kept (the model in use can change meanwhile). */
	#reads = 0;

	/** Never throws: checks that cannot be read leave Predict working and say so. */
	async load(model: { id: string; projectId: string } | null): Promise<void> {
		const read = ++this.#reads;
		this.#model = model;
		this.checks = [];
		this.shownAt = null;
		this.note = null;
		if (!model) return;
		try {
			const checks = await listDriftChecks(model.id);
			// A file checked while the read was under way stays, after the stored ones.
			if (read === this.#reads) this.checks = [...checks, ...this.checks.filter((c) => !checks.some((k) => k.at === c.at))].slice(-MAX_DRIFT_CHECKS);
		} catch (e) {
			if (read === this.#reads) this.note = `This model's earlier drift checks could not be read: ${toUiError(e).message}`;
		}
	}

	/**
	 * A file's check is shown at once and stored with the model; one not kept says so. `modelId` is
	 * the model the file was predicted with: if the model in use changed meanwhile, the check is not
	 * this model's and is dropped.
	 */
	async keep(drift: FileDrift | undefined, fileName: string, modelId: string): Promise<void> {
		const model = this.#model;
		if (!drift || !model || model.id !== modelId) return;
		this.note = null;
		if ('unavailable' in drift) {
			this.note = drift.unavailable;
			return;
		}
		const check: DriftCheck = { modelId: model.id, at: Math.max(Date.now(), (this.checks.at(-1)?.at ?? 0) + 1), fileName, report: drift.report };
		this.checks = [...this.checks, check].slice(-MAX_DRIFT_CHECKS);
		this.shownAt = null;
		try {
			await saveDriftCheck(model.projectId, check);
		} catch (e) {
			this.note = `This drift check is shown but was not kept: ${toUiError(e).message}`;
		}
	}
}
