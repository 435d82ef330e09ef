import { describe, expect, it } from 'vitest';
import { importToTable } from '../import/collect';
import { fromBytes } from '../import/source';
import { utf8 } from '../import/import.spec-support';
import { remoteProfile, serveProfile, type ProfileEndpoint } from './remote';

/** Two ends of a message channel, as a worker and its scope would be. */
function ports(): { near: ProfileEndpoint; far: ProfileEndpoint; close: () => void } {
	const { port1, port2 } = new MessageChannel();
	port1.start();
	port2.start();
	return { near: port1 as unknown as ProfileEndpoint, far: port2 as unknown as ProfileEndpoint, close: () => (port1.close(), port2.close()) };
}

/** A table of every kind the profile reads: numbers, whole numbers, categories, a date, missing cells, a target. */
function csv(rows: number): Uint8Array {
	const lines = ['id,age,income,city,signup,note,churned'];
	for (let i = 0; i < rows; i++) {
		const age = 18 + ((i * 7) % 60);
		const income = i % 13 === 0 ? '' : (1000 + ((i * 7919) % 5000) / 7).toFixed(2);
		lines.push(`${i},${age},${income},${['Oslo', 'Lima', 'Pune'][i % 3]},2024-0${1 + (i % 9)}-1${i % 10},${i % 5 === 0 ? 'NA' : `n${i % 40}`},${age > 50 ? 'yes' : 'no'}`);
	}
	return utf8(lines.join('\n'));
}

describe('the profile in another thread', () => {
	it('gives the profile the importer would make itself, over chunks sent and handed back through at most two sets', async () => {
		const bytes = csv(150_000);
		// Dictionaries of 30+ values come back packed (as the studio's ID columns do) and must cross as such.
		const options = { target: 'churned', seed: 3, packDictionariesAt: 30 };
		const local = await importToTable(fromBytes(bytes, 'p.csv', 256 * 1024), options);
		const { near, far, close } = ports();
		serveProfile(far);
		const remote = await importToTable(fromBytes(bytes, 'p.csv', 256 * 1024), { ...options, profiler: (columns, o) => remoteProfile(near, columns, o, () => {}) });
		close();
		expect(remote.end.profile).toEqual(local.end.profile);
		expect(remote.end.profile?.columns.map((c) => c.name)).toEqual(['id', 'age', 'income', 'city', 'signup', 'note', 'churned']);
		expect(remote.end.packed?.some((p) => p)).toBe(true);
		expect(remote.table).toEqual(local.table);
	});

	it('turns an error in the profile thread into the import error', async () => {
		const { near, far, close } = ports();
		// A thread that fails every request, as a profile whose code threw would.
		far.addEventListener('message', () => far.postMessage({ kind: 'error', name: 'ImportError', message: 'profile thread failed' }));
		const bytes = csv(70_000);
		await expect(importToTable(fromBytes(bytes, 'p.csv', 64 * 1024), { profiler: (columns, o) => remoteProfile(near, columns, o, () => {}) })).rejects.toMatchObject({ name: 'ImportError', message: 'profile thread failed' });
		close();
	});
});
