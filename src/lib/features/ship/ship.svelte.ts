import { resolve } from '$app/paths';
import * as bridge from '$lib/bridge';
import { toUiError, type UiError } from '$lib/components/ui-error';
import { saveRunNotes, type RunRecord } from '$lib/db';
import type { ModelCard } from '$workers/lib/share/types';
import type { BundleExportResult, ShareLinkResult, ShipProgress } from '$workers/protocol';
import { describeModel, headline } from '../evaluate/format';
import type { ProjectState } from '../projects/project.svelte';
import { safeFileName, shareLinkPrefix } from './files';

/** A file made in a worker, held as a Blob URL until it is replaced or the section closes. */
export class Download {
	url = $state<string | null>(null);
	name = $state('');
	bytes = $state(0);

	set(blob: Blob, name: string, bytes = blob.size): void {
		this.clear();
		this.url = URL.createObjectURL(blob);
		this.name = name;
		this.bytes = bytes;
	}

	clear(): void {
		if (this.url) URL.revokeObjectURL(this.url);
		this.url = null;
	}
}

/** One action of the section: what it is doing now, and how it last failed. */
export class Action {
	busy = $state<string | null>(null);
	error = $state<UiError | null>(null);

	async run<T>(label: string, work: () => Promise<T>): Promise<T | undefined> {
		this.error = null;
		this.busy = label;
		try {
			return await work();
		} catch (e) {
			const error = toUiError(e);
			if (error.name !== 'AbortError') this.error = error;
			return undefined;
		} finally {
			this.busy = null;
		}
	}
}

export interface Notes {
	primaryUses: string;
	users: string;
	outOfScope: string;
	limitations: string;
}

/**
 * The Ship section: one finished run picked (the model in use by default), and what can be made
 * from it — a share link, a standalone demo page, a model card — plus the project bundle.
 */
export class ShipState {
	runId = $state<string | null>(null);
	title = $state('');
	description = $state('');

	/** The trade-off variant picked for export, which links and demo pages then carry (null: the run's own model). */
	shareVariant = $state.raw<{ id: string; label: string } | null>(null);
	link = $state.raw<(ShareLinkResult & { url: string }) | null>(null);
	copyStatus = $state('');
	readonly linkAction = new Action();

	readonly page = new Download();
	readonly pageAction = new Action();

	notes = $state<Notes>({ primaryUses: '', users: '', outOfScope: '', limitations: '' });
	card = $state.raw<ModelCard | null>(null);
	readonly cardMarkdown = new Download();
	readonly cardHtml = new Download();
	readonly cardAction = new Action();

	includeRows = $state(true);
	bundle = $state.raw<BundleExportResult | null>(null);
	bundleProgress = $state.raw<ShipProgress | null>(null);
	readonly bundleFile = new Download();
	readonly bundleAction = new Action();
	#bundleController: AbortController | null = null;

	finished = $derived(this.ps.runs.filter((r) => r.status === 'done' && !!r.modelId));
	run = $derived(this.finished.find((r) => r.id === this.runId) ?? null);

	readonly #ps: () => ProjectState;
	constructor(ps: () => ProjectState) {
		this.#ps = ps;
	}
	get ps(): ProjectState {
		return this.#ps();
	}

	/** Pick a run; what was made from the previous one goes, the text fields get its defaults. */
	select(run: RunRecord | null): void {
		this.runId = run?.id ?? null;
		this.shareVariant = null;
		this.link = null;
		this.copyStatus = '';
		this.card = null;
		[this.page, this.cardMarkdown, this.cardHtml].forEach((d) => d.clear());
		[this.linkAction, this.pageAction, this.cardAction].forEach((a) => (a.error = null));
		this.title = this.ps.project?.name ?? '';
		this.description = run ? defaultDescription(run) : '';
		this.notes = { primaryUses: run?.intendedUse?.primaryUses ?? '', users: run?.intendedUse?.users ?? '', outOfScope: run?.intendedUse?.outOfScope ?? '', limitations: run?.limitations ?? '' };
	}

	get fileBase(): string {
		return safeFileName(this.title || this.ps.project?.name || '');
	}

	async createLink(): Promise<void> {
		const runId = this.runId;
		if (!runId) return;
		this.link = null;
		this.copyStatus = '';
		const prefix = shareLinkPrefix(location.href, resolve('/share'));
		const result = await this.linkAction.run('Encoding the model into a link…', () => bridge.createShareLink({ runId, title: this.title, description: this.description, baseLength: prefix.length, variantId: this.shareVariant?.id }));
		if (result) this.link = { ...result, url: result.code ? prefix + result.code : '' };
	}

	/** Copy with the Clipboard API; where a browser refuses, select the text for the person to copy. */
	async copyLink(field: HTMLInputElement | undefined): Promise<void> {
		if (!this.link?.url) return;
		try {
			await navigator.clipboard.writeText(this.link.url);
			this.copyStatus = 'Copied to the clipboard.';
		} catch {
			field?.focus();
			field?.select();
			this.copyStatus = 'This browser did not allow copying here. The link is selected: press Ctrl+C (⌘C on a Mac) to copy it.';
		}
	}

	async buildPage(): Promise<void> {
		const runId = this.runId;
		if (!runId) return;
		this.page.clear();
		const result = await this.pageAction.run('Building the demo page…', () => bridge.buildStandalonePage({ runId, title: this.title, description: this.description, variantId: this.shareVariant?.id }));
		if (result) this.page.set(result.html, `${this.fileBase}.html`, result.bytes);
	}

	/** Store what the person wrote with the run, then write the card from the stored run. */
	async makeCard(): Promise<void> {
		const runId = this.runId;
		if (!runId) return;
		const notes = $state.snapshot(this.notes);
		const card = await this.cardAction.run('Writing the model card…', async () => {
			await saveRunNotes(runId, { intendedUse: { primaryUses: notes.primaryUses, users: notes.users, outOfScope: notes.outOfScope }, limitations: notes.limitations });
			await this.ps.refresh();
			return bridge.writeModelCard({ runId, projectName: this.ps.project?.name ?? '' });
		});
		if (!card) return;
		this.card = card;
		this.cardMarkdown.set(new Blob([card.markdown], { type: 'text/markdown' }), `${this.fileBase}-model-card.md`);
		this.cardHtml.set(new Blob([card.html], { type: 'text/html' }), `${this.fileBase}-model-card.html`);
	}

	async exportBundle(): Promise<void> {
		this.bundle = null;
		this.bundleFile.clear();
		this.#bundleController = new AbortController();
		const signal = this.#bundleController.signal;
		const result = await this.bundleAction.run('Exporting the project…', () => bridge.exportBundle({ projectId: this.ps.id, includeRows: this.includeRows }, (p) => (this.bundleProgress = p), signal));
		this.bundleProgress = null;
		this.#bundleController = null;
		if (!result) return;
		this.bundle = result;
		this.bundleFile.set(result.zip, `${safeFileName(this.ps.project?.name ?? '', 'kiln-project')}.kiln.zip`, result.bytes);
	}

	cancelBundle(): void {
		this.#bundleController?.abort();
	}

	dispose(): void {
		this.cancelBundle();
		[this.page, this.cardMarkdown, this.cardHtml, this.bundleFile].forEach((d) => d.clear());
	}
}

function defaultDescription(run: RunRecord): string {
	const n = run.config.features.length;
	const from = run.config.vision ? 'an image' : run.config.text ? 'a text' : `${n} column${n === 1 ? '' : 's'}`;
	const what = `${describeModel(run.config)} predicting “${run.config.target}” from ${from}`;
	return run.metrics ? `${what}; ${headline(run.metrics)} on ${run.metrics.support} held-out rows.` : `${what}.`;
}

/** How a run is named in the picker. */
export function runLabel(run: RunRecord, modelRunId: string | undefined): string {
	const star = run.id === modelRunId ? '★ ' : '';
	const from = run.source?.kind === 'share-link' ? ` · from a share link` : ` · ${headline(run.metrics)}${run.source ? ' · PyTorch recipe' : ''}`;
	return `${star}${describeModel(run.config)}${from} · ${new Date(run.createdAt).toLocaleString()}`;
}
