import * as bridge from '$lib/bridge';
import { toUiError, type UiError } from '$lib/components/ui-error';
import type { LockProgress } from '$workers/protocol';
import type { ProjectState } from '../projects/project.svelte';

/** Locking or unlocking one project with a passphrase; the work runs in the data worker. */
export class ProjectLocker {
	busy = $state(false);
	progress = $state<LockProgress | null>(null);
	error = $state<UiError | null>(null);

	constructor(private readonly ps: ProjectState) {}

	async #run(action: (onProgress: (p: LockProgress) => void) => Promise<unknown>): Promise<boolean> {
		this.busy = true;
		this.error = null;
		this.progress = null;
		try {
			await action((p) => (this.progress = p));
			await this.ps.refresh();
			return true;
		} catch (e) {
			this.error = toUiError(e);
			// A lock or unlock cut off part-way leaves the project marked; reading it again shows that.
			await this.ps.refresh().catch(() => {});
			return false;
		} finally {
			this.busy = false;
		}
	}

	lock(passphrase: string): Promise<boolean> {
		return this.#run((p) => bridge.lockProject(this.ps.id, passphrase, p));
	}

	unlock(passphrase: string): Promise<boolean> {
		return this.#run((p) => bridge.unlockProject(this.ps.id, passphrase, p));
	}
}
