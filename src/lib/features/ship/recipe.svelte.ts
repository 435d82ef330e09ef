import * as bridge from '$lib/bridge';
import type { RecipeExportResult, RecipeImportResult } from '$workers/protocol';
import { pickWeightsFiles } from '$workers/lib/share/recipe/weights-files';
import { Action, Download, type ShipState } from './ship.svelte';

/** The PyTorch recipe of the picked run, and trained weights imported back as a new run. */
export class RecipeState {
	recipe = $state.raw<RecipeExportResult | null>(null);
	progress = $state<string | null>(null);
	readonly file = new Download();
	readonly exportAction = new Action();
	imported = $state.raw<RecipeImportResult | null>(null);
	readonly importAction = new Action();
	#controller: AbortController | null = null;
	#importController: AbortController | null = null;

	constructor(private readonly shipOf: () => ShipState) {}

	private get ship(): ShipState {
		return this.shipOf();
	}

	async exportRecipe(): Promise<void> {
		const run = this.ship.run;
		if (!run) return;
		this.recipe = null;
		this.file.clear();
		this.#controller = new AbortController();
		const result = await this.exportAction.run('Writing the training recipe…', () => bridge.exportRecipe(run.id, (label) => (this.progress = label), this.#controller!.signal));
		this.progress = null;
		this.#controller = null;
		if (!result) return;
		this.recipe = result;
		this.file.set(result.file, `${this.ship.fileBase}-torch-recipe.zip`, result.bytes);
	}

	cancel(): void {
		this.#controller?.abort();
	}

	cancelImport(): void {
		this.#importController?.abort();
	}

	/** kiln-weights.json + kiln-weights.bin → a new run of the project, scored by Kiln on the holdout rows. */
	async importWeights(files: readonly File[]): Promise<void> {
		const run = this.ship.run;
		if (!run) return;
		this.imported = null;
		this.#importController = new AbortController();
		const signal = this.#importController.signal;
		const result = await this.importAction.run('Checking the weights and scoring them on the holdout rows…', async () => {
			const { info, bin } = pickWeightsFiles(files);
			return bridge.importRecipeWeights({ runId: run.id, info: await info.text(), weights: await bin.arrayBuffer() }, signal);
		});
		this.#importController = null;
		if (!result) return;
		this.imported = result;
		await this.ship.ps.refresh();
	}

	dispose(): void {
		this.cancel();
		this.cancelImport();
		this.file.clear();
	}
}
