import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LanePackage } from './lane-model';

const ROOT = resolve(import.meta.dirname, '../../..');

/** The shipped CSV's rows as a person types them: every cell as text, by column name. */
export function rawRows(file: string): Record<string, string>[] {
	const [header, ...lines] = readFileSync(join(ROOT, 'static/datasets', file), 'utf8').trim().split('\n');
	const names = header.split(',');
	return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [names[i], cell.trim()])));
}

let bundled: Promise<string> | null = null;

/** lane-thread.spec-support.ts bundled to plain JS once (aliases resolved), so a worker thread can run the real serveLane. */
function threadFile(): Promise<string> {
	bundled ??= (async () => {
		const { build } = await import('rolldown');
		const out = await build({
			input: join(import.meta.dirname, 'lane-thread.spec-support.ts'),
			platform: 'node',
			resolve: { alias: { $workers: join(ROOT, 'workers'), $shared: join(ROOT, 'shared') } },
			write: false,
			output: { format: 'esm' }
		});
		const file = join(mkdtempSync(join(tmpdir(), 'kiln-lane-')), 'lane-thread.mjs');
		writeFileSync(file, out.output[0].code);
		return file;
	})();
	return bundled;
}

export async function laneThread(buffer: SharedArrayBuffer, pkg: LanePackage, spinMs: number): Promise<{ worker: Worker; columns: string[]; closed: Promise<void> }> {
	const file = await threadFile();
	const worker = new Worker(file, { workerData: { buffer, pkg, spinMs } });
	let closedResolve: () => void = () => {};
	const closed = new Promise<void>((r) => (closedResolve = r));
	const columns = await new Promise<string[]>((resolvePromise, reject) => {
		worker.once('error', reject);
		worker.on('message', (m: { columns?: string[]; closed?: boolean }) => {
			if (m.columns) resolvePromise(m.columns);
			if (m.closed) closedResolve();
		});
	});
	return { worker, columns, closed };
}
