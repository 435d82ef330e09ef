import * as Comlink from 'comlink';
import { getDataset, getModel, loadTable } from '$lib/db';
import { trainPrivateModel } from '../lib/trust/private-training';
import { auditRunFairness } from '../lib/trust-run/fairness-run';
import { robustnessOfRun } from '../lib/trust-run/robustness-run';
import { trainVariant } from '../lib/trust-run/variant-train';
import { checkLabels } from '../lib/trust-run/label-check';
import { privacySweep } from '../lib/trust-run/privacy-sweep';
import type { Preprocessing, TrainConfig, TrustApi } from '../protocol';
import type { ModelRecord } from '$lib/db';
import { KilnError } from '$shared/errors';
import { ensureBackend } from './backend';

async function announceBackend(onEvent: Parameters<TrustApi['trainVariant']>[1]) {
	const { backend, note } = await ensureBackend();
	onEvent({ type: 'backend', backend, note });
	if (note) onEvent({ type: 'log', message: note });
}

/** Audits read a network and its built-in encoding; other runs are refused by name, not half-audited. */
function auditableModel(model: ModelRecord, config: TrainConfig, audit: string): { artifacts: ModelRecord['artifacts']; preprocessing: Preprocessing } {
	if (config.classic) throw new KilnError('ValidationError', `The ${audit} works on networks (the MLP or the linear layer) for now; this run is a ${config.classic.family} model.`);
	if (!model.preprocessing) throw new KilnError('ValidationError', `The ${audit} reads the built-in encoding; this run was trained through a Prepare pipeline, which it cannot replay yet.`);
	return { artifacts: model.artifacts, preprocessing: model.preprocessing };
}

/** The Trust section's jobs: private and variant runs, and audits of a finished run's model. */
export const trustHandlers: TrustApi = {
	async trainPrivate({ datasetId, config, privacy }, onEvent, onPrivacy) {
		await announceBackend(onEvent);
		const table = await loadTable(await getDataset(datasetId));
		const { budgetEpsilon, ...rest } = privacy;
		const result = await trainPrivateModel(table, config, { ...rest, ...(budgetEpsilon ? { budgetEpsilon } : {}) }, { onEvent, onPrivacy });
		return Comlink.transfer(result, [result.model.weightData]);
	},
	async trainVariant({ datasetId, config, variant }, onEvent) {
		await announceBackend(onEvent);
		const table = await loadTable(await getDataset(datasetId));
		const result = await trainVariant(table, config, variant, { onEvent });
		return Comlink.transfer(result, [result.model.weightData]);
	},
	async auditRunFairness({ runId: _run, datasetId, modelId, config, ...request }, onProgress) {
		const [model, dataset] = await Promise.all([getModel(modelId), getDataset(datasetId)]);
		await ensureBackend();
		return auditRunFairness(await loadTable(dataset), config, auditableModel(model, config, 'fairness audit'), request, { onProgress });
	},
	async robustnessOfRun({ runId: _run, datasetId, modelId, config, ...request }, onProgress) {
		const [model, dataset] = await Promise.all([getModel(modelId), getDataset(datasetId)]);
		await ensureBackend();
		return robustnessOfRun(await loadTable(dataset), config, auditableModel(model, config, 'robustness test'), request, { onProgress });
	},
	async checkLabels({ datasetId, config, folds, seed }, onProgress) {
		const table = await loadTable(await getDataset(datasetId));
		await ensureBackend();
		return checkLabels(table, config, { folds, seed, onProgress });
	},
	async privacySweep({ datasetId, config, ...request }, onProgress) {
		const table = await loadTable(await getDataset(datasetId));
		await ensureBackend();
		return privacySweep(table, config, request, { onProgress });
	}
};
