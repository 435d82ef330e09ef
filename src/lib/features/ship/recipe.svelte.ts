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

	/** kiln-weights.json + kiln-weights.bin → a new run of the project, scored by Kiln on the holdout rows. */
	async importWeights(files: readonly File[]): Promise<void> {
		const run = this.ship.run;
		if (!run) return;
		this.imported = null;
		const result = await this.importAction.run('Importing the trained weights…', async () => {
			const { info, bin } = pickWeightsFiles(files);
			return bridge.importRecipeWeights({ runId: run.id, info: await info.text(), weights: await bin.arrayBuffer() });
		});
		if (!result) return;
		this.imported = result;
		await this.ship.ps.refresh();
	}

	dispose(): void {
		this.cancel();
		this.file.clear();
	}
}
