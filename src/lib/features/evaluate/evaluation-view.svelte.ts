import { toUiError, type UiError } from '$lib/components/ui-error';
import { getEvaluation, type StoredEvaluation } from '$lib/db';
import type { RunEvaluation } from '$workers/protocol';

/** A run's stored evaluation (and, optionally, another run's to compare), read from IndexedDB. */
export class EvaluationView {
	stored = $state.raw<StoredEvaluation | null>(null);
	compare = $state.raw<RunEvaluation | null>(null);
	loaded = $state(false);
	error = $state<UiError | null>(null);
	#request = 0;

	get evaluation(): RunEvaluation | null {
		return this.stored?.status === 'done' ? this.stored.evaluation : null;
	}

	async load(runId: string): Promise<void> {
		const request = ++this.#request;
		try {
			const stored = await getEvaluation(runId);
			if (request !== this.#request) return;
			// Read again after every stored change: keep the same object when nothing changed, so plots stay put.
			const same = stored?.status === 'done' && this.stored?.status === 'done' && stored.evaluation.computedAt === this.stored.evaluation.computedAt && stored.evaluation.runId === this.stored.evaluation.runId;
			if (!same) this.stored = stored;
			this.error = null;
		} catch (e) {
			if (request === this.#request) this.error = toUiError(e);
		} finally {
			if (request === this.#request) this.loaded = true;
		}
	}

	async loadCompare(runId: string | null): Promise<void> {
		if (!runId) {
			this.compare = null;
			return;
		}
		try {
			const stored = await getEvaluation(runId);
			this.compare = stored?.status === 'done' ? stored.evaluation : null;
		} catch (e) {
			this.error = toUiError(e);
		}
	}
}
