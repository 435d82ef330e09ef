// Helpers for the Node unit tests only; never imported by a worker.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { Table } from '$workers/protocol';
import { parseCsv } from '$workers/lib/csv';

export function bytes(text: string): ArrayBuffer {
	return new TextEncoder().encode(text).buffer as ArrayBuffer;
}

export function loadDataset(file: string): Table {
	const path = fileURLToPath(new URL(`../static/datasets/${file}`, import.meta.url));
	const data = readFileSync(path);
	return parseCsv(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer, file).table;
}

export async function useCpu(): Promise<void> {
	// PROD silences tfjs's "install tfjs-node" banner, which cannot be installed here anyway.
	tf.env().set('PROD', true);
	await tf.setBackend('cpu');
	await tf.ready();
}

/**
 * tfjs-backend-wasm in Node: the same XNNPACK kernels the browser worker runs (single-threaded).
 * The wasm files are read from node_modules by path.
 */
export async function useWasm(): Promise<void> {
	const wasm = await import('@tensorflow/tfjs-backend-wasm');
	const dist = fileURLToPath(new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url));
	wasm.setWasmPaths(dist);
	tf.env().set('PROD', true);
	if (!(await tf.setBackend('wasm'))) throw new Error('tfjs-backend-wasm did not start in Node');
	await tf.ready();
}

/** A demo CSV read by the streaming importer the studio uses (first-appearance category order, inferred types). */
export async function importDataset(file: string): Promise<Table> {
	const { fromBytes, importToTable } = await import('$workers/lib/data/import');
	const path = fileURLToPath(new URL(`../static/datasets/${file}`, import.meta.url));
	return (await importToTable(fromBytes(new Uint8Array(readFileSync(path)), file), { profile: false })).table;
}
