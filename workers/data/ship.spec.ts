import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProject, createRun, finishRun, listProjects, listRuns, saveDataset, saveRunNotes, getProject } from '$lib/db';
import { profileTable } from '$shared/table';
import { trainBriefly, useCpu, type Trained } from '$workers/lib/share/share.spec-support';
import * as tfl from '@tensorflow/tfjs-layers';
import { serializeModel } from '$workers/lib/model';
import type { Preprocessing } from '$workers/protocol';
import { shipHandlers } from './ship';

let trained: Trained;
let runId: string;
let projectId: string;

beforeAll(async () => {
	await useCpu();
	trained = await trainBriefly('iris.csv', 'species');
	const project = await createProject('Iris');
	projectId = project.id;
	const dataset = await saveDataset({ projectId, name: 'iris', fileName: 'iris.csv', source: 'demo', table: trained.table, profile: profileTable(trained.table), target: 'species', task: 'classification' });
	const run = await finishRun(await createRun({ projectId, datasetId: dataset.id, config: trained.config }), trained.result);
	runId = run.id;
});

describe('the data worker ship handlers on a stored iris run', () => {
	it('make a share link that fits, and the share page predictions come from it', async () => {
		const link = await shipHandlers.createShareLink({ runId, title: 'Iris', description: 'Three species.', baseLength: 40 });
		expect(link.fit).toBe('fits');
		expect(link.code).toMatch(/^[A-Za-z0-9_-]+$/);
		expect(link.examples).toBe(3);
		const view = await shipHandlers.openShareLink(link.code!);
		expect(view).toMatchObject({ title: 'Iris', description: 'Three species.', target: { name: 'species', classes: ['setosa', 'versicolor', 'virginica'] }, shape: 'a 4 → 32 → 16 → 3 network' });
		expect(view.examples.map((e) => Object.keys(e).sort())).toEqual(Array(3).fill(['petal_length', 'petal_width', 'sepal_length', 'sepal_width']));
		const p = await shipHandlers.predictShared(link.code!, { sepal_length: '5.1', sepal_width: '3.5', petal_length: '1.4', petal_width: '0.2' });
		expect(p.label).toBe('setosa');
		expect(p.probabilities!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
		await expect(shipHandlers.openShareLink(link.code!.slice(0, 40))).rejects.toMatchObject({ name: 'ShareLinkError' });
	});

	it('build a standalone page and a model card with the person’s notes', async () => {
		const page = await shipHandlers.buildStandalonePage({ runId, title: 'Iris <demo>', description: '' });
		expect(page.bytes).toBe(page.html.size);
		const html = await page.html.text();
		expect(html).toContain('<title>Iris &lt;demo&gt;</title>');
		await saveRunNotes(runId, { intendedUse: { primaryUses: 'Teaching classification', users: 'Students', outOfScope: 'Botany research' }, limitations: 'Only three species.' });
		const card = await shipHandlers.writeModelCard({ runId, projectName: 'Iris' });
		expect(card.markdown).toContain('Teaching classification');
		expect(card.markdown).toContain('Only three species.');
		expect(card.markdown).toContain(`${(100 * (trained.result.metrics as { accuracy: number }).accuracy).toFixed(1)} %`);
		expect(card.html).toContain('Botany research');
	});

	it('export the project as a bundle and import it back as a second project', async () => {
		const progress: string[] = [];
		const out = await shipHandlers.exportBundle({ projectId, includeRows: true }, (p) => progress.push(p.label));
		expect(out).toMatchObject({ datasets: 1, runs: 1, models: 1, rows: 150, leftOut: 0 });
		expect(progress.at(-1)).toBe('Done.');
		const file = new Blob([await out.zip.arrayBuffer()]);
		const first = await shipHandlers.importBundle(file);
		const second = await shipHandlers.importBundle(file);
		expect(first).toMatchObject({ name: 'Iris', datasets: 1, runs: 1, models: 1, rows: 150, includesRows: true, cancelled: 0 });
		expect(first.projectId).not.toBe(second.projectId);
		expect((await listProjects()).length).toBe(3);
		const [run] = await listRuns(first.projectId);
		expect(run).toMatchObject({ status: 'done', intendedUse: { primaryUses: 'Teaching classification' } });
		expect((await getProject(first.projectId)).modelRunId).toBe(run.id);
		await expect(shipHandlers.importBundle(new Blob(['not a zip']))).rejects.toMatchObject({ name: 'ImportError' });
	});
});

describe('a model too large for a link', () => {
	it('says so, gives no link, and still builds the standalone page', async () => {
		// 4 → 1200 → 1200 → 3: 1.45 million parameters, about 1.9 million characters as a link.
		const seq = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 1200, activation: 'relu' }), tfl.layers.dense({ units: 1200, activation: 'relu' }), tfl.layers.dense({ units: 3, activation: 'softmax' })] });
		const model = await serializeModel(seq);
		seq.dispose();
		const prep: Preprocessing = { ...trained.prep };
		const project = await createProject('Big');
		const dataset = await saveDataset({ projectId: project.id, name: 'iris', fileName: 'iris.csv', source: 'demo', table: trained.table, profile: profileTable(trained.table), target: 'species', task: 'classification' });
		const run = await finishRun(await createRun({ projectId: project.id, datasetId: dataset.id, config: trained.config }), { ...trained.result, model, preprocessing: prep });
		const link = await shipHandlers.createShareLink({ runId: run.id, title: 'Big', description: '', baseLength: 40 });
		expect(link).toMatchObject({ fit: 'too-large', suggestStandalone: true, parameters: 4 * 1200 + 1200 + 1200 * 1200 + 1200 + 1200 * 3 + 3 });
		expect(link.code).toBeUndefined();
		expect(link.message).toMatch(/standalone demo file/);
		const page = await shipHandlers.buildStandalonePage({ runId: run.id, title: 'Big', description: '' });
		expect(page.bytes).toBeGreaterThan(1_400_000);
	});
});
