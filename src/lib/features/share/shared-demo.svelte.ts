import * as bridge from '$lib/bridge';
import { toUiError, type UiError } from '$lib/components/ui-error';
import type { RowPrediction } from '$workers/lib/share/types';
import type { MediaPrediction } from '$workers/lib/share/page-media';
import type { SharedImportResult, SharedModelView } from '$workers/protocol';
import { codeFromHash } from '../ship/files';

/**
 * A demo opened from a share link. The code never leaves the tab (it is in the fragment); it is
 * decoded and run in a worker, and whatever the link says reaches the page as plain text.
 */
export class SharedDemo {
	code = $state('');
	view = $state.raw<SharedModelView | null>(null);
	values = $state<Record<string, string>>({});
	result = $state.raw<RowPrediction | null>(null);
	error = $state<UiError | null>(null);
	predictError = $state<UiError | null>(null);
	busy = $state<string | null>(null);
	imported = $state.raw<SharedImportResult | null>(null);
	/** Image and text links: the typed text and the last top-k answer. */
	text = $state('');
	mediaResult = $state.raw<MediaPrediction | null>(null);
	#opened = 0;

	async open(hash: string): Promise<void> {
		const code = codeFromHash(hash);
		const ticket = ++this.#opened;
		this.code = code;
		this.view = null;
		this.result = null;
		this.error = null;
		this.predictError = null;
		this.imported = null;
		if (!code) return;
		this.busy = 'Opening the link…';
		try {
			const view = await bridge.openShareLink(code);
			if (ticket !== this.#opened) return;
			this.view = view;
			this.mediaResult = null;
			this.text = '';
			this.values = Object.fromEntries(view.features.map((f) => [f.name, '']));
			if (view.examples.length > 0) await this.useExample(0);
		} catch (e) {
			if (ticket === this.#opened) this.error = toUiError(e);
		} finally {
			if (ticket === this.#opened) this.busy = null;
		}
	}

	async useExample(index: number): Promise<void> {
		const example = this.view?.examples[index];
		if (!example || !this.view) return;
		if (this.view.media) {
			this.text = example.text ?? '';
			return this.predictMedia({ text: this.text });
		}
		this.values = Object.fromEntries(this.view.features.map((f) => [f.name, Object.prototype.hasOwnProperty.call(example, f.name) ? example[f.name] : '']));
		await this.predict();
	}

	async predict(): Promise<void> {
		if (!this.view) return;
		this.predictError = null;
		try {
			this.result = await bridge.predictShared(this.code, $state.snapshot(this.values));
		} catch (e) {
			this.result = null;
			this.predictError = toUiError(e);
		}
	}

	/** A typed text or a picked / dropped image, predicted in the worker. */
	async predictMedia(input: { text: string } | { image: Blob; name: string }): Promise<void> {
		if (!this.view) return;
		this.predictError = null;
		this.busy = 'image' in input ? `Reading ${input.name}…` : null;
		try {
			this.mediaResult = await bridge.predictSharedMedia(this.code, input);
		} catch (e) {
			this.mediaResult = null;
			this.predictError = toUiError(e);
		} finally {
			this.busy = null;
		}
	}

	/** Copy the model into a new project of this browser's studio. */
	async importIntoStudio(): Promise<void> {
		if (!this.view) return;
		this.error = null;
		this.busy = 'Copying the model into your studio…';
		try {
			this.imported = await bridge.importSharedModel(this.code);
		} catch (e) {
			this.error = toUiError(e);
		} finally {
			this.busy = null;
		}
	}

	/** The display name of a class (the link may give nicer names than the class values). */
	className(index: number): string {
		const t = this.view?.target;
		return t ? (t.labelNames[index] ?? t.classes[index] ?? '') : '';
	}

	labelOf(result: RowPrediction): string {
		const t = this.view?.target;
		if (!t || t.task === 'regression') return result.value === undefined ? result.label : Number(result.value.toPrecision(6)).toString();
		const at = t.classes.indexOf(result.label);
		return at >= 0 ? this.className(at) : result.label;
	}
}
