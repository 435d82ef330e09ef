import { storeProjectRecords } from '$lib/db';
import { newId } from '$lib/db/open';
import { KilnError } from '$shared/errors';
import { decodeShareLink } from '../lib/share/share-link';
import { artifactsFromDescription } from '../lib/share/to-artifacts';
import { notImportable } from '../lib/share/share-run';
import type { ShareImportApi } from '../protocol';
import { ensureBackend } from './backend';
import { sharedProjectRecords } from './share-records';

export const shareImportHandlers: ShareImportApi = {
	async importSharedModel(code) {
		// Decoded again here, never trusted from the page: the link is the only input.
		const payload = decodeShareLink(code);
		const refusal = notImportable(payload);
		if (refusal || payload.model.kind === 'trees') throw new KilnError('ImportError', refusal ?? 'This link cannot be imported.');
		await ensureBackend();
		const artifacts = await artifactsFromDescription(payload.model);
		const records = sharedProjectRecords(payload, artifacts, newId, Date.now());
		await storeProjectRecords(records);
		return { projectId: records.project.id, runId: records.runs[0].id, name: records.project.name };
	}
};
