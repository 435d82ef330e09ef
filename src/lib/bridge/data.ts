import * as Comlink from 'comlink';
import type { ImportRequest, ImportSummary, Table } from '$workers/protocol';
import { data, reader } from './workers';

export function importFile(request: ImportRequest, onProgress?: (fraction: number) => void, signal?: AbortSignal): Promise<ImportSummary> {
	return data.call((api) => api.importFile(request, onProgress && Comlink.proxy(onProgress)), signal);
}

export function readRows(datasetId: string, start: number, count: number): Promise<Table> {
	return reader.call((api) => api.readRows(datasetId, start, count));
}
