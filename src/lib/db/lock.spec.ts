import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { parseCsv } from '$workers/lib/csv';
import type { TrainResult } from '$workers/protocol';
import { bytes } from '../../../tests/unit-support';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openKilnDb } from './open';
import { resetKilnDb } from './db.spec-support';
import { createProject, deleteProject, getProject } from './projects';
import { getDataset, loadTable, saveDataset } from './datasets';
import { createRun, finishRun, listRuns, saveCheckpoint } from './runs';
import { isSealed, lockProject, unlockProject } from './lock';
import type { KilnSchema } from './schema';
import type { StoreNames } from 'idb';

const PASS = 'a long passphrase nobody guesses';
const STORES: StoreNames<KilnSchema>[] = ['projects', 'datasets', 'chunks', 'runs', 'models', 'checkpoints', 'pipelines', 'searches', 'trials', 'artifacts', 'settings'];
// A distinctive weight buffer: 64 bytes no encoder or cipher would produce by chance.
const WEIGHTS = new Float32Array(Array.from({ length: 16 }, (_, i) => 1000.125 + i * 7.5));

function cps() {
	const path = fileURLToPath(new URL('../../../static/datasets/cps-wages-1985.csv', import.meta.url));
	return parseCsv(bytes(readFileSync(path, 'utf8')), 'cps-wages-1985.csv');
}

/** Every record of every store, as IndexedDB holds it. */
async function rawDump(): Promise<Record<string, unknown[]>> {
	const db = await openKilnDb();
	const out: Record<string, unknown[]> = {};
	for (const store of STORES) out[store] = await db.getAll(store);
	return out;
}

/** A dump to compare across a lock round trip: only the projects' updatedAt may differ. */
async function comparable(): Promise<Record<string, unknown[]>> {
	const dump = await rawDump();
	return { ...dump, projects: dump.projects.map((p) => ({ ...(p as object), updatedAt: 0 })) };
}

/** All text and all bytes a dump holds, so a search sees what a person reading the disk would. */
function exposed(dump: Record<string, unknown[]>): { text: string; binary: Buffer } {
	const strings: string[] = [];
	const buffers: Buffer[] = [];
	const walk = (v: unknown) => {
		if (typeof v === 'string') strings.push(v);
		else if (v instanceof ArrayBuffer) buffers.push(Buffer.from(v));
		else if (ArrayBuffer.isView(v)) buffers.push(Buffer.from(v.buffer, v.byteOffset, v.byteLength));
		else if (typeof v === 'object' && v !== null) Object.entries(v).forEach(([k, item]) => (strings.push(k), walk(item)));
	};
	walk(dump);
	return { text: strings.join('\n'), binary: Buffer.concat(buffers) };
}

async function fillProject(name: string) {
	const project = await createProject(name);
	const { table, profile } = cps();
	const dataset = await saveDataset({ projectId: project.id, name: 'CPS', fileName: 'cps-wages-1985.csv', source: 'demo', table, profile, target: 'wage_above_median', task: 'classification' });
	const config = { ...DEFAULT_CONFIG, target: 'wage_above_median', task: 'classification' as const, features: ['education', 'gender'] };
	const run = await createRun({ projectId: project.id, datasetId: dataset.id, config });
	const result: TrainResult = {
		model: { modelTopology: { secret: 'topology' }, weightSpecs: [{ name: 'dense/kernel', shape: [4, 4], dtype: 'float32' }], weightData: WEIGHTS.slice().buffer },
		preprocessing: { features: [{ name: 'education', kind: 'numeric', mean: 13.02, std: 2.6 }], target: { name: 'wage_above_median', task: 'classification', classes: ['no', 'yes'] }, inputSize: 1 },
		metrics: { task: 'classification', accuracy: 0.7, macroF1: 0.69, classes: ['no', 'yes'], confusion: [[1, 2], [3, 4]], support: 10 },
		history: [{ epoch: 1, trainLoss: 0.6, valLoss: 0.61, valMetric: 0.7 }],
		backend: 'cpu', trainRows: 300, validationRows: 100, holdoutRows: 134, droppedRows: 0, durationMs: 12, samplesPerSecond: 1000, bestEpoch: 1, stoppedEarly: false
	};
	await finishRun(run, result);
	const second = await createRun({ projectId: project.id, datasetId: dataset.id, config });
	await saveCheckpoint(second.id, { epoch: 1, model: result.model, optimizer: { specs: [], data: WEIGHTS.slice().buffer }, history: result.history, trainingMs: 5 });
	const db = await openKilnDb();
	await db.put('pipelines', { id: `pipeline-${project.id}`, projectId: project.id, datasetId: dataset.id, version: 1, name: 'clean gender', createdAt: 1, pipeline: { steps: ['gender'] } });
	await db.put('searches', { id: `search-${project.id}`, projectId: project.id, datasetId: dataset.id, createdAt: 1, status: 'done', settings: { space: 'hispanic' }, base: config });
	await db.put('trials', { searchId: `search-${project.id}`, trialId: 0, record: { config }, updatedAt: 1 });
	const model = (await db.getAllFromIndex('models', 'byRun', run.id))[0];
	await db.put('artifacts', { id: `artifact-${project.id}`, projectId: project.id, modelId: model.id, kind: 'onnx', name: 'wages.onnx', createdAt: 1, bytes: WEIGHTS.slice().buffer, meta: { note: 'manufacturing' } });
	return { project, dataset, table };
}

beforeEach(resetKilnDb);

describe('locking a project', () => {
	it('encrypts every record in place, so neither cells nor weights can be read from IndexedDB, and unlocks back exactly', async () => {
		const { project, dataset, table } = await fillProject('Wages');
		const other = await fillProject('Other project');
		const before = await comparable();
		// The markers are there in the clear before locking, or the search below would prove nothing.
		// The first 24 cells of education as stored (whole years: packed a byte each).
		const chunk = (await (await openKilnDb()).get('chunks', [dataset.id, 0]))!;
		expect(chunk.packing?.[0]).toBe('i8');
		expect(Array.from(new Int8Array(chunk.columns[0], 0, 24))).toEqual(Array.from((table.columns[0] as { values: Float64Array }).values.subarray(0, 24)));
		const cells = Buffer.from(chunk.columns[0].slice(0, 24));
		const weights = Buffer.from(WEIGHTS.buffer);
		const open = exposed(before);
		for (const word of ['hispanic', 'manufacturing', 'wage_above_median', 'cps-wages-1985.csv', 'clean gender', 'topology']) expect(open.text).toContain(word);
		expect(open.binary.indexOf(cells)).toBeGreaterThanOrEqual(0);
		expect(open.binary.indexOf(weights)).toBeGreaterThanOrEqual(0);

		const progress: number[] = [];
		const { records } = await lockProject(project.id, PASS, { onProgress: (p) => progress.push(p.done), batchRecords: 3 });
		// 1 dataset + 1 chunk + 2 runs + 1 model + 1 checkpoint + pipeline + search + trial + artifact, and the project.
		expect(records).toBe(11);
		expect(progress.at(-1)).toBe(10);

		const locked = await rawDump();
		const lockedProject = locked.projects.find((p) => (p as { id: string }).id === project.id) as Record<string, unknown>;
		expect(Object.keys(lockedProject).sort()).toEqual(['createdAt', 'id', 'lock', 'lockState', 'name', 'sealed', 'updatedAt']);
		expect(lockedProject.lockState).toBe('locked');
		for (const store of ['datasets', 'chunks', 'runs', 'models', 'checkpoints', 'pipelines', 'searches', 'trials', 'artifacts'] as const) {
			expect(locked[store].filter(isSealed).length, store).toBeGreaterThan(0);
		}
		// Only the other project's records still show its data; this project's show nothing.
		const lockedOnly = exposed({ ...locked, projects: [lockedProject], ...Object.fromEntries(STORES.filter((s) => s !== 'projects').map((s) => [s, locked[s].filter(isSealed)])) });
		for (const word of ['hispanic', 'manufacturing', 'wage_above_median', 'cps-wages-1985.csv', 'clean gender', 'topology', 'education', 'mlp']) expect(lockedOnly.text).not.toContain(word);
		expect(lockedOnly.binary.indexOf(cells)).toBe(-1);
		expect(lockedOnly.binary.indexOf(weights)).toBe(-1);
		expect(lockedOnly.text).toContain('Wages');
		// The other project is untouched.
		expect(await loadTable(await getDataset(other.dataset.id))).toEqual(other.table);

		await unlockProject(project.id, PASS);
		expect(await comparable()).toEqual(before);
		expect(await loadTable(dataset)).toEqual(table);
	});

	it('refuses a wrong passphrase with a clear message and changes nothing', async () => {
		const { project } = await fillProject('Wages');
		await lockProject(project.id, PASS);
		const locked = await rawDump();
		await expect(unlockProject(project.id, 'a long passphrase nobody guessed')).rejects.toMatchObject({ name: 'CryptoError', message: expect.stringMatching(/^The passphrase is wrong/) });
		expect(await rawDump()).toEqual(locked);
		await expect(lockProject(project.id, PASS)).rejects.toThrow(/already locked/);
		expect((await getProject(project.id)).lockState).toBe('locked');
	});

	it('a lock cut off part-way is undone, or finished, with the passphrase, and nothing is lost', async () => {
		const { project } = await fillProject('Wages');
		const before = await comparable();
		const cut = () => {
			throw new Error('the tab closed');
		};
		await expect(lockProject(project.id, PASS, { batchRecords: 2, afterBatch: (done) => done >= 4 && cut() })).rejects.toThrow('the tab closed');
		const half = await rawDump();
		expect((await getProject(project.id)).lockState).toBe('locking');
		const sealedCount = STORES.reduce((n, s) => n + half[s].filter(isSealed).length, 0);
		expect(sealedCount).toBeGreaterThan(0);
		expect(sealedCount).toBeLessThan(10);
		// Wrong passphrase: refused, nothing changes.
		await expect(unlockProject(project.id, 'wrong passphrase')).rejects.toMatchObject({ name: 'CryptoError' });
		expect(await rawDump()).toEqual(half);
		// Undo: everything back as it was.
		await unlockProject(project.id, PASS);
		expect(await comparable()).toEqual(before);

		// Cut off again, then finished: fully locked, and unlocks back to the original.
		await expect(lockProject(project.id, PASS, { batchRecords: 2, afterBatch: (done) => done >= 6 && cut() })).rejects.toThrow();
		await lockProject(project.id, PASS);
		const locked = await rawDump();
		// Ten records and the project record.
		expect(STORES.reduce((n, s) => n + locked[s].filter(isSealed).length, 0)).toBe(11);
		// An unlock cut off part-way is finished by unlocking again.
		await expect(unlockProject(project.id, PASS, { batchRecords: 2, afterBatch: (done) => done >= 4 && cut() })).rejects.toThrow();
		expect((await getProject(project.id)).lockState).toBe('unlocking');
		await unlockProject(project.id, PASS);
		expect(await comparable()).toEqual(before);
		expect(await listRuns(project.id)).toHaveLength(2);
	});

	it('deleting a locked project removes all of its records', async () => {
		const { project } = await fillProject('Wages');
		await lockProject(project.id, PASS);
		await deleteProject(project.id);
		const dump = await rawDump();
		for (const store of STORES) expect(dump[store], store).toEqual([]);
	});
});
