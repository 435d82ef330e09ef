import { storeProjectRecords } from '$lib/db';
import { newId } from '$lib/db/open';
import { KilnError } from '$shared/errors';
import { decodeShareLink } from '../lib/share/share-link';
import { artifactsFromDescription } from '../lib/share/to-artifacts';
import type { ShareImportApi } from '../protocol';
import { ensureBackend } from './backend';
import { sharedProjectRecords } from './share-records';

export const shareImportHandlers: ShareImportApi = {
	async importSharedModel(code) {
		// Decoded again here, never trusted from the page: the link is the only input.
		const payload = decodeShareLink(code);
		if (payload.model.kind === 'trees' || payload.pipeline) {
			const what = payload.pipeline ? 'a model trained through a Prepare pipeline' : 'a tree model (tree, forest or boosting)';
			throw new KilnError('ImportError', `This link carries ${what}. Its demo predicts here, but "Import into my studio" copies network links only for now; ask the sender for the project bundle (Ship → Project bundle) to get the run itself.`);
		}
		await ensureBackend();
		const artifacts = await artifactsFromDescription(payload.model);
		const records = sharedProjectRecords(payload, artifacts, newId, Date.now());
		await storeProjectRecords(records);
		return { projectId: records.project.id, runId: records.runs[0].id, name: records.project.name };
	}
};
