// Node-only helpers for the text specs: the shipped text data and vectors, read from static/.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Table } from '$workers/protocol';
import { loadDataset } from '../../../tests/unit-support';
import { parseWordVectors, type WordVectors } from './word-vectors';

const staticFile = (path: string) => fileURLToPath(new URL(`../../../static/${path}`, import.meta.url));

export function shippedVectors(): WordVectors {
	const meta = JSON.parse(readFileSync(staticFile('models/glove-100d-20k.json'), 'utf8'));
	const bin = readFileSync(staticFile('models/glove-100d-20k.bin'));
	return parseWordVectors(meta, bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer);
}

export function shippedText(file: string): string {
	return readFileSync(staticFile(`datasets/${file}`), 'utf8');
}

/** Text column and label column of a shipped CSV as plain arrays. */
export function textsAndLabels(file: string, textColumn: string, labelColumn: string): { texts: (string | null)[]; labels: string[]; table: Table } {
	const table = loadDataset(file);
	const column = (name: string) => {
		const c = table.columns.find((x) => x.name === name);
		if (!c || c.kind !== 'categorical') throw new Error(`no text column ${name}`);
		return Array.from(c.codes, (code) => (code < 0 ? null : c.categories[code]));
	};
	return { texts: column(textColumn), labels: column(labelColumn).map((l) => l ?? ''), table };
}
