import * as Comlink from 'comlink';
import { getDataset, getModel, getPipeline, loadTable } from '$lib/db';
import { parsePipeline } from '../lib/data/pipeline';
import { trainPrivateModel } from '../lib/trust/private-training';
import { auditRunFairness } from '../lib/trust-run/fairness-run';
import { robustnessOfRun } from '../lib/trust-run/robustness-run';
import { trainVariant } from '../lib/trust-run/variant-train';
import { checkLabels } from '../lib/trust-run/label-check';
import { privacySweep } from '../lib/trust-run/privacy-sweep';
import { booleanTargetAsClasses, targetAsTrained } from '../lib/train-table';
import type { TrainConfig, TrustApi } from '../protocol';
import type { DatasetRecord, ModelRecord } from '$lib/db';
import { KilnError } from '$shared/errors';
import { ensureBackend } from './backend';
import { imageRobustnessOfRun } from './trust-images';

async function announceBackend(onEvent: Parameters<TrustApi['trainVariant']>[1]) {
	const { backend, note } = await ensureBackend();
	onEvent({ type: 'backend', backend, note });
	if (note) onEvent({ type: 'log', message: note });
}

/** Audits read any run through workers/lib/run-model (either encoding); gradient attacks need a network, so they refuse a classic run by name. */
function auditableModel(model: ModelRecord, config: TrainConfig, audit: 'fairness audit' | 'robustness test'): ModelRecord {
	if (audit === 'robustness test' && config.classic) throw new KilnError('ValidationError', `The robustness test attacks a network through its gradients (FGSM, PGD); this run is a ${config.classic.family} model, which has none. Pick a neural-network or linear-layer run.`);
	return model;
}

/** A stored Prepare pipeline version, as training reads it (absent: the built-in encoding). */
async function pipelineOf(pipelineId: string | undefined) {
	return pipelineId ? parsePipeline((await getPipeline(pipelineId)).pipeline) : undefined;
}

/** The dataset's table with its target read as ordinary training reads it (a yes/no column as two classes). */
async function trainingTable(datasetId: string, target: string) {
	const dataset = await getDataset(datasetId);
	return booleanTargetAsClasses(await loadTable(dataset), target, dataset.columns);
}

/** The dataset's table with the target read as the audited model was trained on it. */
async function auditTable(dataset: DatasetRecord, target: string, model: ModelRecord) {
	const trained = model.preprocessing?.target;
	return targetAsTrained(await loadTable(dataset), target, dataset.columns, trained?.task === 'classification' ? trained.classes : undefined);
}

/** The Trust section's jobs: private and variant runs, and audits of a finished run's model. */
export const trustHandlers: TrustApi = {
	async trainPrivate({ datasetId, config, privacy, pipelineId }, onEvent, onPrivacy) {
		await announceBackend(onEvent);
		const table = await trainingTable(datasetId, config.target);
		const { budgetEpsilon, ...rest } = privacy;
		const result = await trainPrivateModel(table, config, { ...rest, ...(budgetEpsilon ? { budgetEpsilon } : {}) }, { onEvent, onPrivacy, pipeline: await pipelineOf(pipelineId) });
		return Comlink.transfer(result, [result.model.weightData]);
	},
	async trainVariant({ datasetId, config, variant, pipelineId }, onEvent) {
		await announceBackend(onEvent);
		const table = await trainingTable(datasetId, config.target);
		const result = await trainVariant(table, config, variant, { onEvent, pipeline: await pipelineOf(pipelineId) });
		return Comlink.transfer(result, [result.model.weightData]);
	},
	async auditRunFairness({ runId: _run, datasetId, modelId, config, ...request }, onProgress) {
		const [model, dataset] = await Promise.all([getModel(modelId), getDataset(datasetId)]);
		await ensureBackend();
		return auditRunFairness(await auditTable(dataset, config.target, model), config, auditableModel(model, config, 'fairness audit'), request, { onProgress });
	},
	async robustnessOfRun({ runId: _run, datasetId, modelId, config, ...request }, onProgress) {
		if (config.vision) return imageRobustnessOfRun({ runId: _run, datasetId, modelId, config, ...request }, onProgress);
		const [model, dataset] = await Promise.all([getModel(modelId), getDataset(datasetId)]);
		await ensureBackend();
		return robustnessOfRun(await auditTable(dataset, config.target, model), config, auditableModel(model, config, 'robustness test'), request, { onProgress });
	},
	async checkLabels({ datasetId, config, folds, seed, pipelineId }, onProgress) {
		const table = await trainingTable(datasetId, config.target);
		await ensureBackend();
		return checkLabels(table, config, { folds, seed, onProgress, pipeline: await pipelineOf(pipelineId) });
	},
	async privacySweep({ datasetId, config, pipelineId, ...request }, onProgress) {
		const table = await trainingTable(datasetId, config.target);
		await ensureBackend();
		return privacySweep(table, config, request, { onProgress, pipeline: await pipelineOf(pipelineId) });
	}
};
