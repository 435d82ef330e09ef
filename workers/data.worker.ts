import * as Comlink from 'comlink';
import { tableBuffers } from '$shared/table';
import { previewStoredPipeline } from './data/pipeline-preview';
import { previewFile } from './data/preview';
import { profileAgain } from './data/profile-again';
import { retypeColumn } from './data/retype';
import { storeImport } from './data/store-import';
import { localProfile, remoteProfile, type ProfileFactory } from './lib/data/profile/remote';
import { readPageRows } from './data/read-rows';
import { pageDatasets } from './data/page-datasets';
import type { DataWorkerApi } from './protocol';
import { shipHandlers } from './data/ship';
import { textDataHandlers } from './data/text';
import { visionDataHandlers } from './data/vision';
import { lockHandlers } from './data/lock';

/**
 * The import's profile in a worker of its own, on the other core (remote.ts); in this thread
 * where a worker cannot start one (no nested workers).
 */
const profileBeside: ProfileFactory = (columns, options) => {
	let worker: Worker;
	try {
		worker = new Worker(new URL('./profile.worker.ts', import.meta.url), { type: 'module', name: 'kiln-profile' });
	} catch {
		return localProfile(columns, options);
	}
	return remoteProfile(worker, columns, options, () => worker.terminate());
};

/**
 * The data worker: imports stream a file into IndexedDB chunk by chunk (the table never crosses
 * to the page, and is never whole in memory here either), previews, profiles and pipeline previews.
 */
const api: DataWorkerApi = {
	...shipHandlers,
	...textDataHandlers,
	...visionDataHandlers,
	...lockHandlers,
	previewFile: (file, fileName, choices) => previewFile(file, fileName, choices),
	importFile: (request, onProgress) => storeImport(request, { onProgress, estimate: () => navigator.storage?.estimate?.() ?? Promise.resolve({}), profiler: profileBeside }),
	async readRows(datasetId, start, count) {
		const table = await readPageRows(datasetId, start, count);
		return Comlink.transfer(table, tableBuffers(table));
	},
	listDatasets: (projectId) => pageDatasets(projectId),
	profileDataset: (datasetId, target, onProgress) => profileAgain(datasetId, target, onProgress),
	previewPipeline: (datasetId, pipeline) => previewStoredPipeline(datasetId, pipeline),
	async retypeColumn(datasetId, column, semantic, target) {
		const result = await retypeColumn(datasetId, column, semantic);
		await profileAgain(datasetId, target);
		return result;
	}
};

Comlink.expose(api);
