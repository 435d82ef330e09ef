import { version as kilnVersion } from '../../package.json';
import { getDataset, getModel, getRun, listDriftChecks, readProjectRecords, readRows, storeProjectRecords, type DatasetRecord, type ModelRecord, type RunRecord } from '$lib/db';
import { newId } from '$lib/db/open';
import { KilnError } from '$shared/errors';
import { BUNDLE_LIMITS, readBundle, writeBundle } from '../lib/share/bundle';
import { defaultDemoConfig } from '../lib/share/demo-config';
import { modelCard } from '../lib/share/model-card';
import { trustCardSections } from '../lib/share/card-trust';
import { monitoringSection, type StoredCheck } from '../lib/share/card-monitoring';
import { createSharePredictor, type SharePredictor } from '../lib/share/runtime-share';
import { runSharePayload, shareModelShape, shareParameterCount } from '../lib/share/share-run';
import { decodeShareLink } from '../lib/share/share-link';
import { measureShareLink } from '../lib/share/share-size';
import { buildStandalonePage } from '../lib/share/standalone-page';
import type { ModelCardInput, SharePayload } from '../lib/share/types';
import type { Preprocessing, ShareRequest, ShipDataApi } from '../protocol';
import { fromBundle, toBundleData } from './bundle-records';
import { refuseTextRun } from '../lib/text/text-run';
import { sharedWeights } from './ship-variant';
import { mediaParameters, mediaPredictorOf, mediaSharePayload, mediaView, predictMedia } from './ship-media';

/** Example rows are drawn from the first rows only, so a huge dataset is never read whole for three of them. */
const EXAMPLE_POOL = 10_000;

async function finishedRun(runId: string): Promise<{ run: RunRecord; model: ModelRecord }> {
	const run = await getRun(runId);
	if (run.status !== 'done' || !run.modelId) throw new KilnError('NotFoundError', 'Only a finished run with a model can be shipped; pick another run.');
	return { run, model: await getModel(run.modelId) };
}

const datasetOf = (run: RunRecord): Promise<DatasetRecord | null> => getDataset(run.datasetId).catch(() => null);

async function payloadFor(request: ShareRequest): Promise<SharePayload> {
	return (await sharePayload(request)).payload;
}

async function sharePayload({ runId, title, description, variantId }: ShareRequest): Promise<{ payload: SharePayload; variant?: { id: string; label: string } }> {
	const { run, model } = await finishedRun(runId);
	const media = await mediaSharePayload(run, model, title, description, variantId);
	if (media) return media;
	refuseTextRun(model.artifacts.modelTopology, 'Share links and standalone pages');
	const dataset = await datasetOf(run);
	const sample = dataset ? await readRows(dataset, 0, Math.min(dataset.rowCount, EXAMPLE_POOL)) : null;
	// Examples are raw rows of the form's fields; a target renamed by the pipeline has no raw column to pick classes by.
	const demo = (form: Preprocessing) => {
		try {
			return sample && sample.rowCount > 0 ? defaultDemoConfig(sample, form, { title, description }) : { title, description, examples: [] };
		} catch {
			return { title, description, examples: [] };
		}
	};
	const shared = await sharedWeights(runId, model, variantId);
	const payload = runSharePayload({ artifacts: shared.artifacts, preprocessing: model.preprocessing, pipeline: model.pipeline }, demo, shared.weights, sample ?? undefined);
	return { payload, variant: shared.variant };
}

function cardInput(projectName: string, run: RunRecord, dataset: DatasetRecord | null, model: ModelRecord | null, checks: readonly StoredCheck[] = []): ModelCardInput {
	const imported = run.source ? `This model was imported from the share link "${run.source.title}". Kiln does not know the data it was trained on or how, and it was not evaluated here.` : '';
	return {
		projectName,
		dataset: dataset ? { name: dataset.name, rows: dataset.rowCount, columns: dataset.columns.length, fileName: dataset.fileName } : { name: 'a dataset since deleted', rows: 0, columns: 0 },
		run: {
			id: run.id,
			config: run.config,
			createdAt: run.createdAt,
			backend: run.backend,
			durationMs: run.durationMs,
			history: run.history,
			metrics: run.metrics,
			trainRows: run.split?.train,
			validationRows: run.split?.validation,
			holdoutRows: run.split?.holdout
		},
		preprocessing: model?.preprocessing,
		limitations: [imported, run.limitations ?? ''].filter(Boolean).join('\n\n') || undefined,
		intendedUse: run.intendedUse,
		...trustCardSections(run),
		...(checks.length > 0 ? { monitoring: monitoringSection(checks) } : {})
	};
}

/** A run's drift checks for its card (none for a run without a model). */
const checksOf = (run: RunRecord) => (run.modelId ? listDriftChecks(run.modelId) : Promise.resolve([]));

/** The decoded link the share page works with; one at a time is plenty. */
let shared: { code: string; payload: SharePayload; predictor: SharePredictor; media: ReturnType<typeof mediaPredictorOf> } | null = null;
function openShared(code: string) {
	if (shared?.code !== code) {
		const payload = decodeShareLink(code);
		shared = { code, payload, predictor: createSharePredictor(payload), media: mediaPredictorOf(payload) };
	}
	return shared;
}

export const shipHandlers: ShipDataApi = {
	async createShareLink({ baseLength, ...request }) {
		const { payload, variant } = await sharePayload(request);
		const size = measureShareLink(payload, baseLength);
		return { ...size, parameters: shareParameterCount(payload.model) + mediaParameters(payload), examples: payload.demo.examples.length, ...(variant ? { variant } : {}) };
	},

	async buildStandalonePage(request) {
		const payload = await payloadFor(request);
		// The expression engine (~22 KB) is loaded and embedded only for pipelines that derive a column.
		const derives = payload.pipeline?.steps.some((s) => s.kind === 'derive');
		const page = buildStandalonePage(payload, derives ? { deriveScript: (await import('virtual:kiln-derive-script')).default } : {});
		return { html: new Blob([page.html], { type: 'text/html' }), bytes: page.bytes };
	},

	async writeModelCard({ runId, projectName }) {
		const run = await getRun(runId);
		const model = run.modelId ? await getModel(run.modelId).catch(() => null) : null;
		return modelCard(cardInput(projectName, run, await datasetOf(run), model, await checksOf(run)));
	},

	async exportBundle({ projectId, includeRows }, onProgress) {
		onProgress?.({ fraction: 0.05, label: includeRows ? 'Reading the project and its rows…' : 'Reading the project…' });
		const records = await readProjectRecords(projectId, includeRows);
		const datasets = new Map(records.datasets.map((d) => [d.id, d]));
		const models = new Map(records.models.map((m) => [m.runId, m]));
		const cards: Record<string, string> = {};
		for (const run of records.runs) {
			if (run.status === 'done') cards[run.id] = modelCard(cardInput(records.project.name, run, datasets.get(run.datasetId) ?? null, models.get(run.id) ?? null, await checksOf(run))).markdown;
		}
		onProgress?.({ fraction: 0.3, label: 'Compressing and checking the bundle…' });
		const plan = toBundleData(records, cards);
		const zip = writeBundle(plan.data, { kilnVersion });
		onProgress?.({ fraction: 1, label: 'Done.' });
		return {
			zip: new Blob([zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' }),
			bytes: zip.length,
			datasets: plan.data.datasets.length,
			runs: plan.data.runs.length,
			models: plan.data.models.length,
			rows: plan.rows,
			leftOut: plan.leftOut
		};
	},

	async importBundle(file, onProgress) {
		if (file.size > BUNDLE_LIMITS.maxZipBytes) throw new KilnError('ImportError', `This file is ${(file.size / 2 ** 20).toFixed(0)} MB; Kiln imports project bundles of up to ${BUNDLE_LIMITS.maxZipBytes / 2 ** 20} MB.`);
		onProgress?.({ fraction: 0.05, label: 'Reading the file…' });
		const bytes = new Uint8Array(await file.arrayBuffer());
		onProgress?.({ fraction: 0.2, label: 'Checking the bundle…' });
		const bundle = readBundle(bytes);
		const plan = fromBundle(bundle, newId, Date.now());
		onProgress?.({ fraction: 0.6, label: plan.rows > 0 ? `Storing the project with ${plan.rows.toLocaleString('en-US')} rows…` : 'Storing the project…' });
		const project = await storeProjectRecords(plan.records);
		onProgress?.({ fraction: 1, label: 'Done.' });
		return {
			projectId: project.id,
			name: project.name,
			datasets: plan.records.datasets.length,
			runs: plan.records.runs.length,
			models: plan.records.models.length,
			rows: plan.rows,
			includesRows: bundle.manifest.includesRows,
			cancelled: plan.cancelled,
			upgraded: bundle.upgraded
		};
	},

	async openShareLink(code) {
		const { payload } = openShared(code);
		const { model, preprocessing: prep, demo } = payload;
		const classes = prep.target.task === 'classification' ? prep.target.classes : [];
		return {
			title: demo.title,
			description: demo.description,
			target: { name: prep.target.name, task: prep.target.task, classes, labelNames: demo.labelNames ?? classes },
			features: prep.features,
			examples: demo.examples,
			parameters: shareParameterCount(model) + mediaParameters(payload),
			shape: shareModelShape(model),
			...mediaView(payload)
		};
	},

	async predictShared(code, row) {
		return openShared(code).predictor.predict(row);
	},

	async predictSharedMedia(code, input) {
		const { media, payload } = openShared(code);
		return predictMedia(media, payload, input);
	}
};
