import { storeProjectRecords } from '$lib/db';
import { newId } from '$lib/db/open';
import { decodeShareLink } from '../lib/share/share-link';
import { importedModel } from '../lib/share/import-link';
import type { ShareImportApi } from '../protocol';
import { ensureBackend } from './backend';
import { sharedProjectRecords } from './share-records';

export const shareImportHandlers: ShareImportApi = {
	async importSharedModel(code) {
		// Decoded again here, never trusted from the page: the link is the only input.
		const payload = decodeShareLink(code);
		await ensureBackend();
		const imported = await importedModel(payload);
		const records = sharedProjectRecords(payload, imported, newId, Date.now());
		await storeProjectRecords(records);
		return { projectId: records.project.id, runId: records.runs[0].id, name: records.project.name };
	}
};
