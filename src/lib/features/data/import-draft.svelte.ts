import * as bridge from '$lib/bridge';
import { toUiError, type UiError } from '$lib/components/ui-error';
import { guessTargetName } from '$shared/table';
import type { ImportChoices, ImportPreview } from '$workers/protocol';
import type { SemanticType } from '$workers/lib/data/import/types';
import { importIntoProject } from './data.svelte';

/** Tokens shown (and edited) as one comma-separated line; an empty cell is always missing. */
export function parseTokens(text: string): string[] {
	return ['', ...new Set(text.split(',').map((t) => t.trim()).filter((t) => t !== ''))];
}

export function tokensText(tokens: readonly string[]): string {
	return tokens.filter((t) => t !== '').join(', ');
}

/**
 * A file picked for import, before anything is stored: the importer's preview of its first rows
 * with what it detected, and the person's choices (delimiter, header, encoding, missing-value
 * tokens, column types), each change previewed again.
 */
export class ImportDraft {
	file = $state.raw<File | null>(null);
	preview = $state.raw<ImportPreview | null>(null);
	error = $state<UiError | null>(null);
	busy = $state(false);
	delimiter = $state('');
	header = $state<'' | 'yes' | 'no'>('');
	encoding = $state('');
	missing = $state('');
	types = $state<Record<string, SemanticType>>({});
	/** A stale preview is ignored rather than aborted (abort would restart the shared reader worker). */
	#sequence = 0;
	/** The missing-value tokens were shown (from a preview), so the field says what applies. */
	#tokensShown = false;

	async open(file: File): Promise<void> {
		this.file = file;
		this.preview = null;
		this.delimiter = '';
		this.header = '';
		this.encoding = '';
		this.missing = '';
		this.types = {};
		this.#tokensShown = false;
		await this.refresh();
	}

	choices(): ImportChoices {
		return {
			...(this.delimiter ? { delimiter: this.delimiter === 'tab' ? '\t' : this.delimiter } : {}),
			...(this.header ? { header: this.header === 'yes' } : {}),
			...(this.encoding ? { encoding: this.encoding } : {}),
			...(this.#tokensShown ? { missing: parseTokens(this.missing) } : {}),
			...(Object.keys(this.types).length > 0 ? { types: $state.snapshot(this.types) } : {})
		};
	}

	async refresh(): Promise<void> {
		if (!this.file) return;
		const sequence = ++this.#sequence;
		this.busy = true;
		this.error = null;
		try {
			const preview = await bridge.previewFile(this.file, this.file.name, this.choices());
			if (sequence !== this.#sequence) return;
			this.preview = preview;
			if (!this.#tokensShown) this.missing = tokensText(preview.missing);
			this.#tokensShown = true;
		} catch (e) {
			if (sequence !== this.#sequence) return;
			this.error = toUiError(e);
			this.preview = null;
		} finally {
			if (sequence === this.#sequence) this.busy = false;
		}
	}

	setType(column: string, semantic: SemanticType | ''): void {
		const next = { ...this.types };
		if (semantic) next[column] = semantic;
		else delete next[column];
		this.types = next;
		void this.refresh();
	}

	/** Start the import with these choices; the draft closes. */
	start(projectId: string): void {
		if (!this.file || !this.preview) return;
		const target = guessTargetName(this.preview.columns.map((c) => c.name));
		importIntoProject(projectId, this.file, this.file.name, 'upload', target, this.choices(), this.preview.plan);
		this.close();
	}

	close(): void {
		this.#sequence++;
		this.file = null;
		this.preview = null;
		this.error = null;
		this.busy = false;
	}
}
