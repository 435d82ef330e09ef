import { getDataset, getProject, loadTable, saveDataset } from '$lib/db';
import { profileTable } from '$shared/table';
import type { TextDataApi } from '../protocol';
import { profileText } from '../lib/text/profile';
import { columnStrings } from '../ml/text-artifacts';
import { maskTableColumn } from './text-mask';

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
	}
};

async function targetOf(projectId: string) {
	const project = await getProject(projectId);
	return project.target ? { target: project.target, task: project.task } : {};
}
