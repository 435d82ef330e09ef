import * as Comlink from 'comlink';
import { getDataset, readRows, saveDataset } from '$lib/db';
import { KilnError } from '$shared/errors';
import { findColumn, guessTarget, inferTask, tableBuffers } from '$shared/table';
import { parseCsv } from './lib/csv';
import type { DataWorkerApi } from './protocol';
import { shipHandlers } from './data/ship';
import { textDataHandlers } from './data/text';
import { visionDataHandlers } from './data/vision';
import { lockHandlers } from './data/lock';

/** Files larger than this are refused before reading, with a message, instead of exhausting memory. */
const MAX_CSV_BYTES = 512 * 1024 * 1024;

const api: DataWorkerApi = {
	...shipHandlers,
	...textDataHandlers,
	...visionDataHandlers,
	...lockHandlers,
	async importFile({ file, fileName, projectId, source, preferredTarget }, onProgress) {
		if (file.size > MAX_CSV_BYTES) {
			throw new KilnError('CsvParseError', `${fileName}: the file is ${(file.size / 2 ** 20).toFixed(0)} MB; Kiln reads CSV files up to ${MAX_CSV_BYTES / 2 ** 20} MB.`);
		}
		const parsed = parseCsv(await file.arrayBuffer(), fileName, { onProgress });
		const { table } = parsed;
		const target = preferredTarget && table.columns.some((c) => c.name === preferredTarget) ? preferredTarget : guessTarget(table);
		const task = inferTask(findColumn(table, target));
		// Stored here, in the worker: the table never crosses to the page.
		const record = await saveDataset({ projectId, name: fileName.replace(/\.[^.]+$/, ''), fileName, source, table, profile: parsed.profile, target, task });
		return { datasetId: record.id, rowCount: record.rowCount, target, task };
	},
	async readRows(datasetId, start, count) {
		const table = await readRows(await getDataset(datasetId), start, count);
		return Comlink.transfer(table, tableBuffers(table));
	}
};

Comlink.expose(api);
