import * as bridge from '$lib/bridge';
import { toUiError, type UiError } from '$lib/components/ui-error';
import type { DatasetRecord } from '$lib/db';
import { textColumns } from '$workers/lib/text/column';
import type { TextColumnProfile } from '$workers/protocol';

/** The text column of a dataset (the longest texts if several), other than the target. */
export function textColumnOf(dataset: DatasetRecord | null | undefined, target?: string): string | null {
	if (!dataset) return null;
	return textColumns(dataset.columns, dataset.rowCount, target)[0] ?? null;
}

/** The profile of one text column, computed in a data worker and kept while the dataset stays. */
export class TextProfileState {
	profile = $state.raw<TextColumnProfile | null>(null);
	busy = $state<string | null>(null);
	error = $state<UiError | null>(null);
	maskNote = $state<string | null>(null);
	#key = '';
	#controller: AbortController | null = null;

	async load(datasetId: string, column: string, labelColumn?: string): Promise<void> {
		const key = `${datasetId}|${column}|${labelColumn ?? ''}`;
		if (key === this.#key) return;
		this.#key = key;
		this.#controller?.abort();
		const controller = (this.#controller = new AbortController());
		this.profile = null;
		this.error = null;
		this.busy = `Profiling the texts in “${column}”…`;
		try {
			const profile = await bridge.profileTextColumn(datasetId, column, labelColumn, controller.signal);
			if (this.#key === key) this.profile = profile;
		} catch (e) {
			const error = toUiError(e);
			if (this.#key === key && error.name !== 'AbortError') this.error = error;
		} finally {
			if (this.#key === key) this.busy = null;
		}
	}

	cancel(): void {
		this.#controller?.abort();
		this.#key = '';
		this.busy = null;
	}

	/** Store a masked copy of the dataset; the caller makes the project read it again. */
	async mask(datasetId: string, column: string): Promise<boolean> {
		this.busy = 'Masking e-mail addresses and phone numbers…';
		this.error = null;
		try {
			const { masked } = await bridge.maskTextColumn(datasetId, column);
			this.maskNote = `A masked copy was stored and is now the project’s dataset: ${masked.toLocaleString('en-US')} text${masked === 1 ? '' : 's'} changed. The original stays in the dataset list until you delete it.`;
			return true;
		} catch (e) {
			this.error = toUiError(e);
			return false;
		} finally {
			this.busy = null;
		}
	}
}
