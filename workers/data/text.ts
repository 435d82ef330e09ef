import { getDataset, getProject, loadTable, saveDataset } from '$lib/db';
import { profileTable } from '$shared/table';
import { KilnError } from '$shared/errors';
import type { TextDataApi } from '../protocol';
import { profileText } from '../lib/text/profile';
import { columnStrings } from '../ml/text-artifacts';
import { maskTableColumn } from './text-mask';
import { parseConll } from '../lib/text/conll';
import { conllTable, TAGGED_COLUMNS } from '../lib/text/tagging';
import { importTextFolder } from './text-folder';

export const textDataHandlers: TextDataApi = {
	async profileTextColumn(datasetId, column, labelColumn) {
		const table = await loadTable(await getDataset(datasetId));
		const texts = columnStrings(table, column, 'text column');
		const labels = labelColumn ? columnStrings(table, labelColumn, 'target') : undefined;
		return { ...profileText(texts, labels), column, ...(labelColumn ? { labelColumn } : {}) };
	},
	async maskTextColumn(datasetId, column) {
		const record = await getDataset(datasetId);
		const { table, maskedRows } = maskTableColumn(await loadTable(record), column);
		const stored = await saveDataset({
			projectId: record.projectId,
			name: `${record.name} (PII masked)`,
			fileName: record.fileName.replace(/(\.[^.]+)?$/, '-masked$1'),
			source: record.source,
			table,
			profile: profileTable(table),
			...(await targetOf(record.projectId))
		});
		return { datasetId: stored.id, masked: maskedRows };
	},
	async importConll(projectId, file, fileName) {
		if (file.size > MAX_CONLL_BYTES) throw new KilnError('ImportError', `${fileName} is ${(file.size / 2 ** 20).toFixed(0)} MB; Kiln reads tagged corpora of up to ${MAX_CONLL_BYTES / 2 ** 20} MB.`);
		const parsed = parseConll(new TextDecoder().decode(await file.arrayBuffer()), fileName);
		const table = conllTable(parsed);
		const stored = await saveDataset({ projectId, name: fileName.replace(/\.[^.]+$/, ''), fileName, source: 'upload', table, profile: profileTable(table), target: TAGGED_COLUMNS.tag, task: 'classification' });
		return { datasetId: stored.id, sentences: parsed.sentences.length, tokens: parsed.tokens, tags: parsed.tags.length };
	},
	importTextFolder
};

/** A tagged corpus is parsed whole in memory; far above the shipped Brown sample (about 1 MB). */
const MAX_CONLL_BYTES = 64 * 2 ** 20;

async function targetOf(projectId: string) {
	const project = await getProject(projectId);
	return project.target ? { target: project.target, task: project.task } : {};
}
