import * as bridge from '$lib/bridge';
import { toUiError, type UiError } from '$lib/components/ui-error';
import type { BundleImportResult, ShipProgress } from '$workers/protocol';

/** Importing a project bundle (.zip): read, checked and stored in the data worker, in one transaction. */
export class BundleImport {
	progress = $state.raw<ShipProgress | null>(null);
	result = $state.raw<BundleImportResult | null>(null);
	error = $state<UiError | null>(null);
	#controller: AbortController | null = null;

	get busy(): boolean {
		return this.progress !== null;
	}

	async import(file: File): Promise<BundleImportResult | null> {
		this.error = null;
		this.result = null;
		this.#controller = new AbortController();
		this.progress = { fraction: 0, label: `Reading ${file.name}…` };
		try {
			this.result = await bridge.importBundle(file, (p) => (this.progress = p), this.#controller.signal);
			return this.result;
		} catch (e) {
			const error = toUiError(e);
			if (error.name !== 'AbortError') this.error = { name: error.name, message: `${file.name}: ${error.message}` };
			return null;
		} finally {
			this.progress = null;
			this.#controller = null;
		}
	}

	cancel(): void {
		this.#controller?.abort();
	}
}
