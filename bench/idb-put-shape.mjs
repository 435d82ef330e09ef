// Micro-benchmark (issue 8, session 10): what IndexedDB `put` costs in a Chromium worker for the
// shape a chunk is stored in. 16 chunks of 65,536 rows × 20 columns (13 Float64, 7 Int32, ≈ 8.7 MB,
// the big bench CSV's shape), written with two puts in flight from buffers reused between chunks,
// as the importer does. For each shape: the synchronous time inside `put` (the worker's thread),
// and the wall time until the last write is committed. Shapes alternate within each round.
//   node bench/idb-put-shape.mjs [rounds=3]
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { CHROMIUM_PATH, chromiumArgs } from './browser-side.mjs';
import { join } from 'node:path';

const rounds = Number(process.argv[2] ?? 3);
const repo = join(import.meta.dirname, '..');

function workerMain() {
	const ROWS = 65_536;
	const NUM = 13;
	const CAT = 7;
	const CHUNKS = 16;
	const open = (name, keyPath) =>
		new Promise((resolve, reject) => {
			const r = indexedDB.open(name, 1);
			r.onupgradeneeded = () => r.result.createObjectStore('chunks', keyPath ? { keyPath } : undefined);
			r.onsuccess = () => resolve(r.result);
			r.onerror = () => reject(r.error);
		});
	const drop = (name) => new Promise((resolve) => { const r = indexedDB.deleteDatabase(name); r.onsuccess = r.onerror = () => resolve(); });
	// One reused set per chunk in flight + the one being built, as the importer's pool.
	const separate = () => [...Array.from({ length: NUM }, () => new Float64Array(ROWS)), ...Array.from({ length: CAT }, () => new Int32Array(ROWS))];
	const joined = () => {
		const buffer = new ArrayBuffer(ROWS * (NUM * 8 + CAT * 4));
		return { buffer, views: [...Array.from({ length: NUM }, (_, i) => new Float64Array(buffer, i * ROWS * 8, ROWS)), ...Array.from({ length: CAT }, (_, i) => new Int32Array(buffer, NUM * ROWS * 8 + i * ROWS * 4, ROWS))] };
	};
	const fill = (views, k) => { for (const v of views) for (let i = 0; i < v.length; i += 512) v[i] = k + i; };
	const shapes = {
		// today: in-line key path, one ArrayBuffer per column
		'inline-20': { keyPath: ['datasetId', 'index'], make: separate, value: (set, i) => ({ datasetId: 'd', index: i, rowCount: ROWS, columns: set.map((a) => a.buffer) }) },
		'inline-20-copy': { keyPath: ['datasetId', 'index'], make: separate, value: (set, i) => ({ datasetId: 'd', index: i, rowCount: ROWS, columns: set.map((a) => a.buffer.slice(0)) }) },
		'inline-1': { keyPath: ['datasetId', 'index'], make: joined, value: (set, i) => ({ datasetId: 'd', index: i, rowCount: ROWS, offsets: set.views.map((v) => v.byteOffset), data: set.buffer }) },
		'outline-20': { keyPath: null, key: (i) => ['d', i], make: separate, value: (set) => ({ rowCount: ROWS, columns: set.map((a) => a.buffer) }) },
		'outline-1': { keyPath: null, key: (i) => ['d', i], make: joined, value: (set) => ({ rowCount: ROWS, offsets: set.views.map((v) => v.byteOffset), data: set.buffer }) },
		'outline-bare': { keyPath: null, key: (i) => ['d', i], make: joined, value: (set) => set.buffer },
		'inline-blob': { keyPath: ['datasetId', 'index'], make: joined, value: (set, i) => ({ datasetId: 'd', index: i, rowCount: ROWS, data: new Blob([set.buffer]) }) }
	};
	self.onmessage = async ({ data: name }) => {
		const shape = shapes[name];
		const db = await open(`bench-${name}`, shape.keyPath);
		const sets = [shape.make(), shape.make(), shape.make()];
		let syncMs = 0;
		const pending = [];
		const t0 = performance.now();
		for (let i = 0; i < CHUNKS; i++) {
			const set = sets[i % 3];
			fill(set.views ?? set, i);
			const s = performance.now();
			const tx = db.transaction('chunks', 'readwrite');
			const value = shape.value(set, i);
			if (shape.keyPath) tx.objectStore('chunks').put(value);
			else tx.objectStore('chunks').put(value, shape.key(i));
			syncMs += performance.now() - s;
			pending.push(new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); }));
			while (pending.length > 2) await pending.shift();
		}
		await Promise.all(pending);
		const wallMs = performance.now() - t0;
		// Reading one chunk back, as a reader would.
		const r0 = performance.now();
		await new Promise((resolve) => { const q = db.transaction('chunks').objectStore('chunks').get(['d', 5]); q.onsuccess = async () => { const v = q.result; if (v?.data instanceof Blob) await v.data.arrayBuffer(); resolve(); }; });
		const readMs = performance.now() - r0;
		db.close();
		await drop(`bench-${name}`);
		postMessage({ name, syncMs, wallMs, readMs });
	};
}

const page = `<!doctype html><script>
window.run = (name) => new Promise((resolve, reject) => {
	const w = new Worker(URL.createObjectURL(new Blob(['(' + ${JSON.stringify(workerMain.toString())} + ')()'], { type: 'text/javascript' })));
	w.onmessage = (e) => { w.terminate(); resolve(e.data); };
	w.onerror = (e) => reject(new Error(e.message));
	w.postMessage(name);
});
</script>`;
const server = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page));
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const { chromium } = await import('@playwright/test');
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs(repo, console.error), headless: true });
const names = (process.env.SHAPES ?? 'inline-20,inline-1,outline-20,outline-1,outline-bare,inline-blob').split(',');
const results = Object.fromEntries(names.map((n) => [n, []]));
try {
	const ctx = await browser.newContext();
	const p = await ctx.newPage();
	await p.goto(`http://127.0.0.1:${server.address().port}/`);
	for (let r = 0; r < rounds; r++) {
		const order = r % 2 ? [...names].reverse() : names;
		for (const name of order) {
			const load = loadavg()[0].toFixed(2);
			const res = await p.evaluate((n) => window.run(n), name);
			results[name].push(res);
			console.error(`round ${r + 1} ${name.padEnd(14)} put (sync) ${res.syncMs.toFixed(0).padStart(5)} ms, all committed ${res.wallMs.toFixed(0).padStart(5)} ms, read one ${res.readMs.toFixed(0)} ms (load ${load})`);
		}
	}
} finally {
	await browser.close();
	server.close();
}
for (const [name, rs] of Object.entries(results)) {
	const med = (k) => [...rs.map((x) => x[k])].sort((a, b) => a - b)[Math.floor(rs.length / 2)].toFixed(0);
	console.log(`${name.padEnd(14)} median put (sync) ${med('syncMs')} ms, all committed ${med('wallMs')} ms, read ${med('readMs')} ms`);
}
