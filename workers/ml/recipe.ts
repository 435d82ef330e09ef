import { createRun, finishRun, getDataset, getModel, getRun, loadTable } from '$lib/db';
import { KilnError } from '$shared/errors';
import { withConfigDefaults } from '$shared/train-config';
import * as tf from '@tensorflow/tfjs-core';
import { version as kilnVersion } from '../../package.json';
import { exportTrainingRecipe } from '../lib/share/recipe/recipe';
import { importTorchWeights } from '../lib/share/recipe/import-weights';
import { deserializeModel, forward } from '../lib/model';
import { finalMetrics } from '../lib/scores';
import { prepareTraining, rowCounts } from '../lib/train-data';
import type { BackendName, RecipeApi, RunResult } from '../protocol';
import { ensureBackend } from './backend';
import { parseWeightsInfo } from '../lib/share/recipe/weights-files';

/** The finished run with its table; recorded-pipeline runs are refused (the recipe carries the built-in encoding). */
async function source(runId: string) {
	const run = await getRun(runId);
	if (run.status !== 'done' || !run.modelId) throw new KilnError('NotFoundError', 'Only a finished run with a model has a training recipe.');
	if (run.pipelineId) throw new KilnError('ExportError', 'The PyTorch recipe carries Kiln’s built-in encoding; this run was trained through a recorded Prepare pipeline. Train a run with the built-in encoding to export a recipe.');
	const dataset = await getDataset(run.datasetId);
	return { run, dataset, table: await loadTable(dataset) };
}

export const recipeHandlers: RecipeApi = {
	async exportRecipe(runId, onProgress) {
		const { run, table } = await source(runId);
		onProgress?.(`Writing ${table.rowCount.toLocaleString('en-US')} rows as Parquet shards…`);
		const recipe = exportTrainingRecipe(table, run.config, { kilnVersion, projectName: run.config.target ? `Predict ${run.config.target}` : undefined });
		const file = new Blob([recipe.zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' });
		return { file, bytes: file.size, shards: recipe.manifest.shards.length, rows: recipe.manifest.rows };
	},

	async importRecipeWeights({ runId, info, weights }) {
		const { run, table } = await source(runId);
		const parsed = parseWeightsInfo(info);
		await ensureBackend();
		const started = performance.now();
		// The manifest is made again from the stored run: the same split and fitted encoding train.py used.
		const { manifest } = exportTrainingRecipe(table, run.config, { kilnVersion, shardRows: table.rowCount || 1 });
		const imported = await importTorchWeights(manifest, parsed, weights);
		const data = prepareTraining(table, withConfigDefaults(run.config));
		const original = await getModel(run.modelId!);
		const model = await deserializeModel(imported.model);
		let out: Float32Array;
		try {
			out = await forward(model, data.holdout.x, data.holdout.rows.length, data.width);
		} finally {
			model.dispose();
		}
		const metrics = finalMetrics(out, data.holdout.y, data);
		const result: RunResult = {
			model: imported.model,
			preprocessing: imported.preprocessing,
			pipeline: data.fitted,
			...(original.inputs ? { inputs: original.inputs } : {}),
			...(original.missing ? { missing: original.missing } : {}),
			metrics,
			history: [],
			backend: tf.getBackend() as BackendName,
			...rowCounts(data),
			durationMs: performance.now() - started,
			samplesPerSecond: 0,
			bestEpoch: imported.epochs,
			stoppedEarly: false,
			notes: [`Trained outside Kiln by the PyTorch recipe of run ${run.id} (${imported.worldSize} process${imported.worldSize === 1 ? '' : 'es'}, ${imported.epochs} epochs); the metrics are Kiln’s own on the same holdout rows.`]
		};
		const created = await createRun({ projectId: run.projectId, datasetId: run.datasetId, config: run.config });
		const done = await finishRun({ ...created, source: { kind: 'torch-recipe', title: 'PyTorch training recipe', importedAt: Date.now(), fromRunId: run.id, epochs: imported.epochs, worldSize: imported.worldSize, reported: imported.reported } }, result);
		return { runId: done.id, metrics, reported: imported.reported, epochs: imported.epochs, worldSize: imported.worldSize };
	}
};
