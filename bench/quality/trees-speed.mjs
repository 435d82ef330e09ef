// Random forest (100 trees) and histogram boosting (100 rounds) on a seeded synthetic table,
// Kiln (one thread, this process) against scikit-learn (n_jobs=-1 / OpenMP on all cores) on
// the same CSV. Prints fit and batch-predict times and Kiln's speed as a share of scikit-learn's.
// Run: node bench/quality/trees-speed.mjs   (ROWS=100000 REPEATS=1 to change the size / repeats)
import { mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { importTs } from './import-ts.mjs';

const ROWS = Number(process.env.ROWS ?? 100_000);
const TEST = 20_000;
const D = 20;
const REPEATS = Number(process.env.REPEATS ?? 1);
const dir = '/tmp/kiln-trees-speed';
const csv = `${dir}/data.csv`;

/** mulberry32, as workers/lib/random.ts. */
function rng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** 20 columns: 8 informative (non-linear interactions), 4 noisy copies, 8 pure noise; 1 % label noise. */
function makeTable(n) {
	const r = rng(20261125);
	const gauss = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
	const x = new Float32Array(n * D);
	const y = new Int32Array(n);
	for (let i = 0; i < n; i++) {
		const row = x.subarray(i * D, i * D + D);
		for (let j = 0; j < D; j++) row[j] = gauss();
		for (let j = 8; j < 12; j++) row[j] = row[j - 8] + 0.5 * gauss();
		row[19] = Math.round(row[19] * 2); // a few distinct values, like a coded column
		const score = Math.sin(row[0] * 1.5) + row[1] * row[2] + 0.8 * Math.abs(row[3]) - 0.6 + 0.5 * row[4] - (row[5] > 0.5 ? 0.7 : 0) + 0.3 * row[6] * row[7];
		y[i] = (score > 0) !== r() < 0.01 ? 1 : 0;
	}
	return { x, y };
}

const n = ROWS + TEST;
const { x, y } = makeTable(n);
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
function timed(spec) {
	let fit = Infinity;
	let predict = Infinity;
	let acc = 0;
	let model;
	for (let r = 0; r < REPEATS; r++) {
		let t = performance.now();
		model = m.fitClassic(spec, xt, ROWS, D, yt, 'classification', 2, { seed: 1 });
		fit = Math.min(fit, (performance.now() - t) / 1000);
		t = performance.now();
		m.predictClassic(model, xt, ROWS);
		predict = Math.min(predict, (performance.now() - t) / 1000);
		acc = accuracy(m.predictClassic(model, xv, TEST), yv);
	}
	return { fit, predict, accuracy: acc };
}
const kiln = {
	forest: timed({ family: 'forest', params: m.defaultParams('forest', 'classification') }),
	boosting: timed({ family: 'boosting', params: { ...m.defaultParams('boosting', 'classification'), earlyStopping: 'off' } })
};
const python = '/usr/bin/python3';
const script = fileURLToPath(new URL('./trees_speed.py', import.meta.url));
const sk = JSON.parse(execFileSync(python, [script, csv, String(ROWS), String(REPEATS)], { encoding: 'utf8' }));

console.log(`${ROWS.toLocaleString('en-US')} training rows × ${D} columns, binary target; batch prediction of the ${ROWS.toLocaleString('en-US')} rows; accuracy on ${TEST.toLocaleString('en-US')} more`);
console.log(`scikit-learn on ${sk.cpus} cores (n_jobs=-1 / OpenMP); Kiln on one thread; best of ${REPEATS}`);
console.log('model                 | Kiln fit s | sklearn fit s | fit speed ratio | Kiln predict s | sklearn predict s | predict speed ratio | Kiln acc | sklearn acc');
for (const name of ['forest', 'boosting']) {
	const k = kiln[name];
	const s = sk[name];
	const label = name === 'forest' ? 'random forest 100    ' : 'boosting 100 rounds  ';
	console.log(`${label} | ${k.fit.toFixed(2).padStart(10)} | ${s.fit.toFixed(2).padStart(13)} | ${(s.fit / k.fit).toFixed(2).padStart(15)} | ${k.predict.toFixed(3).padStart(14)} | ${s.predict.toFixed(3).padStart(17)} | ${(s.predict / k.predict).toFixed(2).padStart(19)} | ${k.accuracy.toFixed(4)} | ${s.accuracy.toFixed(4)}`);
}
