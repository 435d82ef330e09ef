import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PredictResult, Table } from '$workers/protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { KilnError } from '$shared/errors';
import { inferTask } from '$shared/table';
import { loadDataset, useCpu } from '../../../tests/unit-support';
import { trainModel } from '../train';
import { deserializeModel } from '../model';
import { predictTable } from '../predict';
import { modelEncoding, modelInputColumns, readFormRows } from '../predict-input';
import { plainForwardSpec } from '../predict-runtime/plain-forward';
import { LaneClient, type LaneAnswer } from './client';
import { laneModel, type LaneModel, type LanePackage } from './lane-model';
import { CLOSED, LANE_BYTES, MAX_CELLS, REQUEST, STATE, laneView, readAnswer, readCells, writeAnswer, writeCells } from './layout';
import { answerOne } from './serve';
import { laneThread, rawRows } from './lane.spec-support';

const now = () => performance.now();

describe('the shared lane layout', () => {
	it('carries cells of any text (UTF-8, empty, long) and answers both ways', () => {
		const view = laneView(new SharedArrayBuffer(LANE_BYTES));
		const cells = ['39.1', '', 'Biscoe', 'mâle ♂ 雄', 'x'.repeat(5000), ' NA '];
		expect(writeCells(view, cells)).toBe(true);
		expect(readCells(view)).toEqual(cells);
		expect(writeAnswer(view, '{"predictions":["Gentoo ✓"]}')).toBe(true);
		expect(readAnswer(view)).toBe('{"predictions":["Gentoo ✓"]}');
	});

	it('refuses what does not fit instead of cutting it, so the message lane carries it', () => {
		const view = laneView(new SharedArrayBuffer(LANE_BYTES));
		expect(writeCells(view, ['x'.repeat(70_000)])).toBe(false);
		expect(writeCells(view, Array.from({ length: MAX_CELLS + 1 }, () => '1'))).toBe(false);
		expect(writeAnswer(view, 'y'.repeat(200_000))).toBe(false);
		expect(() => laneView(new SharedArrayBuffer(1024))).toThrow(/needs/);
	});
});

/** A penguins MLP trained as the studio trains it, and its lane package as the prediction worker makes it (through a structured clone, as it crosses). */
async function penguins() {
	const table: Table = loadDataset('penguins.csv');
	const column = table.columns.find((c) => c.name === 'species')!;
	const result = await trainModel(table, { ...DEFAULT_CONFIG, target: 'species', task: inferTask(column), features: table.columns.map((c) => c.name).filter((n) => n !== 'species'), epochs: 6, patience: 0 });
	const record = { preprocessing: result.preprocessing };
	const layers = await deserializeModel(result.model);
	const spec = plainForwardSpec(layers)!;
	layers.dispose();
	const inputs = modelInputColumns(record);
	const pkg: LanePackage = structuredClone({ modelId: 'm1', inputs, encoding: modelEncoding(record), forward: spec });
	return { result, record, inputs, pkg, rows: rawRows('penguins.csv').slice(0, 120) };
}

let fixture: Awaited<ReturnType<typeof penguins>>;
let model: LaneModel;
const cellsOf = (row: Record<string, string>) => model.columns.map((c) => row[c] ?? '');

beforeAll(async () => {
	await useCpu();
	fixture = await penguins();
	model = laneModel(fixture.pkg);
});

describe('the lane model', () => {
	it('gives the studio\'s own prediction (importer reading, tfjs forward) for real typed rows', async () => {
		const { result, record, inputs, rows } = fixture;
		const readable = rows.filter((row) => model.predict(cellsOf(row)) !== null);
		expect(readable.length).toBeGreaterThan(100);
		for (const row of readable.slice(0, 40)) {
			const got = model.predict(cellsOf(row))!;
			const want = await predictTable(result.model, modelEncoding(record), await readFormRows(inputs, [row]));
			expect(got.predictions).toEqual(want.predictions);
			got.probabilities![0].forEach((p, k) => expect(Math.abs(p - want.probabilities![0][k])).toBeLessThan(1e-6));
			expect(got.warnings).toEqual(want.warnings);
		}
	});

	it('hands back a row the importer must read (the message lane then names the column)', async () => {
		const row = { ...fixture.rows[0], bill_length_mm: 'long' };
		expect(model.predict(cellsOf(row))).toBeNull();
		await expect(readFormRows(fixture.inputs, [row])).rejects.toThrow(/bill_length_mm/);
	});

	it('keeps an unknown category as the studio does: a warning, not an error', () => {
		const got = model.predict(cellsOf({ ...fixture.rows[0], island: 'Atlantis' }))!;
		expect(got.predictions).toHaveLength(1);
		expect(got.warnings.join(' ')).toMatch(/category the model has no input for/);
	});
});

/** A lane whose answers the test decides: the state machine without a second thread. */
function scripted(answer: (cells: readonly string[]) => PredictResult | null): LaneModel {
	return { modelId: 's', columns: ['a', 'b'], predict: answer };
}

describe('the page end and the lane end, one request at a time', () => {
	const open = (spinMs = 0, timeoutMs = 1000) => {
		const buffer = new SharedArrayBuffer(LANE_BYTES);
		return { view: laneView(buffer), client: new LaneClient(buffer, ['a', 'b'], { spinMs, timeoutMs, now }) };
	};

	it('carries a result, a named error and a fallback, and takes one row at a time', async () => {
		const { view, client } = open();
		const asked = client.ask({ a: '1', b: 'x' });
		expect(asked).toBeInstanceOf(Promise);
		expect(client.ask({ a: '2', b: 'y' })).toBeNull();
		answerOne(view, scripted((cells) => ({ predictions: [cells.join('|')], warnings: [] })));
		expect(await asked).toEqual({ kind: 'result', result: { predictions: ['1|x'], warnings: [] } });

		const failing = client.ask({ a: '1' })!;
		answerOne(view, scripted(() => {
			throw new KilnError('SchemaMismatchError', 'Column "b": expected a number such as 3.5.');
		}));
		expect(await failing).toEqual({ kind: 'error', name: 'SchemaMismatchError', message: 'Column "b": expected a number such as 3.5.' });

		const handed = client.ask({ a: '1', b: '2' })!;
		answerOne(view, scripted(() => null));
		expect(await handed).toEqual({ kind: 'fallback' });
		expect(client.broken).toBe(false);
	});

	it('gives up on a lane that does not answer, and never reads a stale answer as a new one', async () => {
		const { view, client } = open(0, 30);
		const asked = client.ask({ a: '1', b: '2' })!;
		expect(await asked).toEqual({ kind: 'fallback' });
		expect(client.broken).toBe(true);
		expect(client.ask({ a: '1', b: '2' })).toBeNull();
		// The late answer lands in a lane nobody reads any more.
		expect(Atomics.load(view.control, STATE)).toBe(REQUEST);
		client.close();
		expect(Atomics.load(view.control, STATE)).toBe(CLOSED);
	});
});

describe('the lane in its own thread (Atomics.wait, notify, both poll windows)', () => {
	const threads: { close: () => void }[] = [];
	afterAll(() => threads.forEach((t) => t.close()));

	for (const [pageSpinMs, laneSpinMs] of [
		[50, 0],
		[50, 2],
		[0, 0]
	]) {
		it(`answers real rows exactly as the lane model does (page polls ${pageSpinMs} ms, lane ${laneSpinMs} ms)`, async () => {
			const buffer = new SharedArrayBuffer(LANE_BYTES);
			const { worker, columns, closed } = await laneThread(buffer, fixture.pkg, laneSpinMs);
			const client = new LaneClient(buffer, columns, { spinMs: pageSpinMs, timeoutMs: 10_000, now });
			threads.push({ close: () => (client.close(), void worker.terminate()) });
			expect(columns).toEqual(model.columns);
			for (const row of fixture.rows.slice(0, 60)) {
				const answer: LaneAnswer = await client.ask(row)!;
				const want = model.predict(cellsOf(row));
				expect(answer).toEqual(want ? { kind: 'result', result: JSON.parse(JSON.stringify(want)) } : { kind: 'fallback' });
			}
			const bad = await client.ask({ ...fixture.rows[0], body_mass_g: 'heavy' })!;
			expect(bad).toEqual({ kind: 'fallback' });
			client.close();
			await closed;
		}, 30_000);
	}
});
