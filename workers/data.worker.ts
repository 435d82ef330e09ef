import * as Comlink from 'comlink';
import { parseCsv } from './lib/csv';
import { tableBuffers } from '$shared/table';
import type { DataWorkerApi } from './protocol';

const api: DataWorkerApi = {
	async parseCsv(file, fileName, expected, onProgress) {
		const parsed = parseCsv(file, fileName, { expected, onProgress });
		return Comlink.transfer(parsed, tableBuffers(parsed.table));
	}
};

Comlink.expose(api);
