// Random forest (100 trees) and histogram boosting (100 rounds) on a seeded synthetic table,
// Kiln (one thread, this process) against scikit-learn (n_jobs=-1 / OpenMP on all cores) on
// the same CSV. Prints fit and batch-predict times and Kiln's speed as a share of scikit-learn's.
// Run: node bench/quality/trees-speed.mjs   (ROWS=100000 REPEATS=1 to change the size / repeats)
// The forest is also fitted split over FOREST_WORKERS worker threads (default: the core count), one
// share of the trees each with its own seeds, as the studio's ML pool does; the threads are started
// and have loaded Kiln's code before the clock starts (the pool keeps warm workers).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { importTs } from './import-ts.mjs';
import { makeTable } from './synthetic.mjs';

const ROWS = Number(process.env.ROWS ?? 100_000);
const TEST = 20_000;
const D = 20;
const REPEATS = Number(process.env.REPEATS ?? 1);
const dir = '/tmp/kiln-trees-speed';
const csv = `${dir}/data.csv`;

const n = ROWS + TEST;
const { x, y } = makeTable(n, D);
mkdirSync(dir, { recursive: true });
const lines = [[...Array.from({ length: D }, (_, j) => `x${j}`), 'y'].join(',')];
for (let i = 0; i < n; i++) lines.push([...x.subarray(i * D, i * D + D), y[i]].join(','));
writeFileSync(csv, lines.join('\n') + '\n');

const m = await importTs('workers/lib/models/index.ts');
const xt = x.subarray(0, ROWS * D);
const yt = y.subarray(0, ROWS);
const xv = x.subarray(ROWS * D);
const yv = y.subarray(ROWS);
const accuracy = (p, truth) => {
	let good = 0;
	for (let i = 0; i < truth.length; i++) if ((p[i * 2 + 1] > p[i * 2] ? 1 : 0) === truth[i]) good++;
	return good / truth.length;
};
/** [wall seconds, CPU seconds of this process]; the CPU figure is what a busy shared machine cannot inflate. */
function clock(f) {
	const wall = performance.now();
	const cpu = process.cpuUsage();
	const out = f();
	const used = process.cpuUsage(cpu);
	return [out, (performance.now() - wall) / 1000, (used.user + used.system) / 1e6];
}
function timed(spec) {
	const best = { fit: Infinity, fitCpu: Infinity, predict: Infinity, predictCpu: Infinity, accuracy: 0 };
	for (let r = 0; r < REPEATS; r++) {
		const [model, fit, fitCpu] = clock(() => m.fitClassic(spec, xt, ROWS, D, yt, 'classification', 2, { seed: 1 }));
		const [, predict, predictCpu] = clock(() => m.predictClassic(model, xt, ROWS));
		Object.assign(best, { fit: Math.min(best.fit, fit), fitCpu: Math.min(best.fitCpu, fitCpu), predict: Math.min(best.predict, predict), predictCpu: Math.min(best.predictCpu, predictCpu) });
		best.accuracy = accuracy(m.predictClassic(model, xv, TEST), yv);
		if (model.family === 'forest') best.nodes = model.trees.reduce((s, t) => s + t.feature.length, 0);
	}
	return best;
}
const WORKERS = Number(process.env.FOREST_WORKERS ?? cpus().length);
/** The forest fitted in WORKERS threads (shares of the trees), joined; predicted in this thread as a studio worker does. */
async function timedPool(params) {
	const threads = await Promise.all(
		Array.from({ length: WORKERS }, () => new Promise((resolve) => {
			const w = new Worker(new URL('./forest-thread.mjs', import.meta.url));
			w.once('message', () => resolve(w));
		}))
	);
	const best = { fit: Infinity, predict: Infinity, accuracy: 0 };
	const seeds = m.forestTreeSeeds(1, params.nTrees);
	for (let r = 0; r < REPEATS; r++) {
		const wall = performance.now();
		const parts = await Promise.all(
			threads.map((w, i) => new Promise((resolve) => {
				const from = Math.floor((i * params.nTrees) / WORKERS);
				const to = Math.floor(((i + 1) * params.nTrees) / WORKERS);
				w.once('message', resolve);
				w.postMessage({ params, x: xt, n: ROWS, d: D, y: yt, seeds: seeds.slice(from, to), seed: 1 });
			}))
		);
		const model = m.combineForest(parts, yt);
		const fit = (performance.now() - wall) / 1000;
		const [, predict] = clock(() => m.predictClassic(model, xt, ROWS));
		Object.assign(best, { fit: Math.min(best.fit, fit), predict: Math.min(best.predict, predict), accuracy: accuracy(m.predictClassic(model, xv, TEST), yv), nodes: model.trees.reduce((s, t) => s + t.feature.length, 0) });
	}
	await Promise.all(threads.map((w) => w.terminate()));
	return best;
}

// FOREST_ONLY=1: only the forest, one thread against the worker threads (no scikit-learn), for a short locked run.
const FOREST_ONLY = process.env.FOREST_ONLY === '1';
const kiln = {
	forest: timed({ family: 'forest', params: m.defaultParams('forest', 'classification') }),
	forestPool: await timedPool(m.defaultParams('forest', 'classification')),
	...(FOREST_ONLY ? {} : { boosting: timed({ family: 'boosting', params: { ...m.defaultParams('boosting', 'classification'), earlyStopping: 'off' } }) })
};
if (FOREST_ONLY) {
	const { forest, forestPool } = kiln;
	console.log(`${ROWS.toLocaleString('en-US')} rows × ${D}; forest 100 trees fit: one thread ${forest.fit.toFixed(2)} s wall (${forest.fitCpu.toFixed(2)} s CPU), ${WORKERS} worker threads ${forestPool.fit.toFixed(2)} s wall: speed-up ${(forest.fit / forestPool.fit).toFixed(2)}×; ${forestPool.nodes === forest.nodes && forestPool.accuracy === forest.accuracy ? 'same forest' : 'DIFFERENT forest'}; 1-minute load at the end ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
	process.exit(0);
}
const python = '/usr/bin/python3';
const script = fileURLToPath(new URL('./trees_speed.py', import.meta.url));
const sklearn = (jobs, env) => JSON.parse(execFileSync(python, [script, csv, String(ROWS), String(REPEATS), String(jobs)], { encoding: 'utf8', env: { ...process.env, ...env } }));
const sk = sklearn(-1, {});
// One thread too: on a shared machine OpenMP threads spin and wait, so this is the cleaner per-core reference.
const sk1 = sklearn(1, { OMP_NUM_THREADS: '1' });

const load = (await import('node:os')).loadavg()[0];
console.log(`${ROWS.toLocaleString('en-US')} training rows × ${D} columns, binary target; batch prediction of the ${ROWS.toLocaleString('en-US')} rows; accuracy on ${TEST.toLocaleString('en-US')} more`);
console.log(`scikit-learn on ${sk.cpus} cores (n_jobs=-1 / OpenMP); Kiln on one thread; best of ${REPEATS}; 1-minute load average at the end ${load.toFixed(1)}`);
console.log('s = elapsed seconds; ratio = scikit-learn s / Kiln s (≥ 1: Kiln faster); cpu = CPU seconds of the process (all threads; OpenMP spin-waits count); 1t = scikit-learn on one thread.');
const f = (v) => v.toFixed(2).padStart(8);
const row = (label, k, s, s1, key) => `${label.padEnd(31)} | ${f(k[key])} | ${f(s[key])} | ${f(s[key] / k[key])} | ${f(k[key + 'Cpu'])} | ${f(s[key + 'Cpu'])} | ${f(s1[key])} | ${f(s1[key] / k[key])} | ${f(s1[key + 'Cpu'])}`;
console.log(`${'step'.padEnd(31)} | Kiln s   | sk all s | ratio    | Kiln cpu | sk cpu   | sk 1t s  | ratio 1t | sk 1t cpu`);
for (const name of ['forest', 'boosting']) {
	const label = name === 'forest' ? 'random forest 100 trees' : 'boosting 100 rounds';
	console.log(row(`${label} fit`, kiln[name], sk[name], sk1[name], 'fit'));
	console.log(row(`${label} predict`, kiln[name], sk[name], sk1[name], 'predict'));
	console.log(`${label} holdout accuracy: Kiln ${kiln[name].accuracy.toFixed(4)}, scikit-learn ${sk[name].accuracy.toFixed(4)}${kiln[name].nodes ? `; Kiln forest ${kiln[name].nodes.toLocaleString('en-US')} nodes, scikit-learn ${sk[name].nodes.toLocaleString('en-US')}` : ''}`);
}
const pool = kiln.forestPool;
console.log(`random forest 100 trees fit in ${WORKERS} worker threads (shares of the trees, joined): ${pool.fit.toFixed(2)} s wall, ratio to scikit-learn all cores ${(sk.forest.fit / pool.fit).toFixed(2)}, speed-up over one thread ${(kiln.forest.fit / pool.fit).toFixed(2)}×; predict ${pool.predict.toFixed(2)} s; accuracy ${pool.accuracy.toFixed(4)}, ${pool.nodes.toLocaleString('en-US')} nodes (${pool.nodes === kiln.forest.nodes && pool.accuracy === kiln.forest.accuracy ? 'the same forest as one thread' : 'DIFFERENT from the one-thread forest'})`);
