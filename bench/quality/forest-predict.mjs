// Batch prediction of a forest (and a boosting model) in one thread: an earlier tree walk
// (`git show BASE:workers/lib/models/BASE_FILE.ts`; default BASE=cdbbde0 BASE_FILE=tree-predict, the
// JavaScript walk of 8-byte nodes before the WebAssembly walk; BASE=93ceb67 BASE_FILE=tree-arrays is
// the walk before packing) against the worktree's, interleaved in one process so both see the same load. Prints CPU seconds (steadier
// than wall time on a shared machine), wall seconds, `uptime`, and checks both give the same
// numbers bit for bit. The fitted models are cached in /tmp/kiln-forest-predict (fit is not timed).
// Run: PREPARE=1 node bench/quality/forest-predict.mjs   (fits and caches both sides' models, no timing,
//      so it needs no lock), then: flock /tmp/kiln-heavy.lock node bench/quality/forest-predict.mjs
//      (ROWS=100000 TREES=100 REPEATS=5 BASE=cdbbde0 BASE_FILE=tree-predict; SKLEARN=0 leaves out scikit-learn's predict on the same rows)
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importTs, ROOT } from './import-ts.mjs';
import { makeTable } from './synthetic.mjs';

const ROWS = Number(process.env.ROWS ?? 100_000);
const TREES = Number(process.env.TREES ?? 100);
const REPEATS = Number(process.env.REPEATS ?? 5);
const BASE = process.env.BASE ?? 'cdbbde0';
// Where BASE keeps addTreesOutputs (tree-arrays.ts before 8-byte nodes, tree-predict.ts since).
const BASE_FILE = process.env.BASE_FILE ?? 'tree-predict';
const D = 20;
const dir = '/tmp/kiln-forest-predict';
mkdirSync(dir, { recursive: true });
// The old walk, loaded through the same module runner as the new one (it imports only types).
const oldFile = `${ROOT}workers/lib/models/${BASE_FILE}.before-${BASE}.ts`;
writeFileSync(oldFile, execSync(`git -C ${ROOT} show ${BASE}:workers/lib/models/${BASE_FILE}.ts`));
const before = await importTs(oldFile.slice(ROOT.length));
execSync(`rm -f ${oldFile}`);
const m = await importTs('workers/lib/models/index.ts');
const after = await importTs('workers/lib/models/tree-predict.ts');

const { x, y } = makeTable(ROWS, D);
function cached(name, fit) {
	const file = `${dir}/${name}-${ROWS}-${TREES}.json`;
	if (existsSync(file)) return m.deserialiseClassic(readFileSync(file, 'utf8'));
	const model = fit();
	writeFileSync(file, m.serialiseClassic(model));
	return model;
}
const forest = cached('forest', () => m.fitClassic({ family: 'forest', params: { ...m.defaultParams('forest', 'classification'), nTrees: TREES } }, x, ROWS, D, y, 'classification', 2, { seed: 1 }));
const boosting = cached('boosting', () => m.fitClassic({ family: 'boosting', params: { ...m.defaultParams('boosting', 'classification'), maxIter: TREES, earlyStopping: 'off' } }, x, ROWS, D, y, 'classification', 2, { seed: 1 }));

function clock(f) {
	const wall = performance.now();
	const cpu = process.cpuUsage();
	const out = f();
	const used = process.cpuUsage(cpu);
	return { out, wall: (performance.now() - wall) / 1000, cpu: (used.user + used.system) / 1e6 };
}
// Exactly what predictForest / boostingRaw do, with the walk of either version.
const walks = {
	forest: (lib) => {
		const out = new Float64Array(ROWS * 2);
		lib.addTreesOutputs(forest.trees, x, ROWS, D, 1 / forest.trees.length, out);
		return out;
	},
	boosting: (lib) => {
		const out = new Float64Array(ROWS);
		lib.addTreesOutputs(boosting.trees, x, ROWS, D, 1, out, 0, 1, 1, 0);
		return out;
	}
};
const PREPARE = process.env.PREPARE === '1';
const SKLEARN = process.env.SKLEARN !== '0';
const csv = `${dir}/data-${ROWS}.csv`;
const sklearn = () => {
	if (!existsSync(csv)) writeFileSync(csv, [[...Array.from({ length: D }, (_, j) => `x${j}`), 'y'].join(','), ...Array.from({ length: ROWS }, (_, i) => [...x.subarray(i * D, i * D + D), y[i]].join(','))].join('\n') + '\n');
	const script = fileURLToPath(new URL('./forest_predict.py', import.meta.url));
	return execFileSync('/usr/bin/python3', [script, csv, String(TREES), String(REPEATS), PREPARE ? 'prepare' : 'time'], { encoding: 'utf8' }).trim();
};
if (PREPARE) {
	if (SKLEARN) console.log(sklearn());
	console.log(`Models cached in ${dir}; now time them under the lock.`);
	process.exit(0);
}
const uptime = () => execSync('uptime').toString().trim();
console.log(`${ROWS.toLocaleString('en-US')} rows × ${D}; forest ${forest.trees.length} trees (${forest.trees.reduce((s, t) => s + t.feature.length, 0).toLocaleString('en-US')} nodes), boosting ${boosting.trees.length} trees; best of ${REPEATS}, before/after interleaved`);
console.log(`start: ${uptime()}`);
for (const [name, walk] of Object.entries(walks)) {
	const best = { before: { cpu: Infinity, wall: Infinity }, after: { cpu: Infinity, wall: Infinity } };
	let same = true;
	const cpu = { before: [], after: [] };
	// Warm both (packing, JIT), then alternate which goes first so neither always runs in the other's wake.
	walk(before);
	walk(after);
	for (let r = 0; r < REPEATS; r++) {
		const [first, second] = r % 2 === 0 ? ['before', 'after'] : ['after', 'before'];
		const t1 = clock(() => walk(first === 'before' ? before : after));
		const t2 = clock(() => walk(second === 'before' ? before : after));
		const a = first === 'before' ? t1 : t2;
		const b = first === 'before' ? t2 : t1;
		for (const [key, t] of [['before', a], ['after', b]]) {
			best[key] = { cpu: Math.min(best[key].cpu, t.cpu), wall: Math.min(best[key].wall, t.wall) };
			cpu[key].push(t.cpu);
		}
		same &&= a.out.length === b.out.length && a.out.every((v, i) => Object.is(v, b.out[i]));
	}
	const median = (v) => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)];
	console.log(`${name.padEnd(8)} predict: before ${best.before.cpu.toFixed(3)} s CPU best, ${median(cpu.before).toFixed(3)} median (${best.before.wall.toFixed(3)} s wall best); after ${best.after.cpu.toFixed(3)} s CPU best, ${median(cpu.after).toFixed(3)} median (${best.after.wall.toFixed(3)} s wall best): ${(best.before.cpu / best.after.cpu).toFixed(2)}× less CPU (best), ${(median(cpu.before) / median(cpu.after)).toFixed(2)}× (median); outputs ${same ? 'identical bit for bit' : 'DIFFERENT'}`);
}
if (SKLEARN) console.log(sklearn());
console.log(`end: ${uptime()}`);
