// Quality of Kiln's model families against scikit-learn on exactly the same splits.
// Run: node bench/quality/run.mjs            (QUALITY_SEEDS=3, QUALITY_SKIP_MLP=1, QUALITY_ONLY=iris,wine to trim)
// Kiln fits every classic family with its defaults (and the default MLP through trainModel) on a
// seeded stratified 80/20 holdout per seed, preprocessing fitted on the training rows only. The
// encoded train/test matrices are written to /tmp/kiln-quality and scikit-learn (Debian
// python3-sklearn) fits LogisticRegression/LinearRegression, RandomForest, HistGradientBoosting and
// MLP on those same arrays. One table: mean ± std over seeds, best of each side, and the gap.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { importTs, ROOT } from './import-ts.mjs';

const SEEDS = Array.from({ length: Number(process.env.QUALITY_SEEDS ?? 5) }, (_, i) => i + 1);
const SKIP_MLP = process.env.QUALITY_SKIP_MLP === '1';
const ONLY = process.env.QUALITY_ONLY?.split(',');
const OUT = process.env.QUALITY_OUT ?? '/tmp/kiln-quality';
const SKLEARN_DATA = '/usr/lib/python3/dist-packages/sklearn/datasets/data';

const models = await importTs('workers/lib/models/index.ts');
const support = await importTs('workers/lib/models/models.spec-support.ts');
const { parseCsv } = await importTs('workers/lib/csv.ts');
const { trainModel, DEFAULT_CONFIG } = await importTs('workers/lib/train.ts');
const { useCpu } = await importTs('tests/unit-support.ts');

const readTable = (text, name) => parseCsv(new TextEncoder().encode(text).buffer, name).table;

/** Diabetes (442 rows, 10 inputs) from Debian's scikit-learn data files; read in place, not shipped. */
function diabetesTable() {
	const x = gunzipSync(readFileSync(`${SKLEARN_DATA}/diabetes_data_raw.csv.gz`)).toString().trim().split('\n');
	const y = gunzipSync(readFileSync(`${SKLEARN_DATA}/diabetes_target.csv.gz`)).toString().trim().split('\n');
	const header = 'age,sex,bmi,bp,s1,s2,s3,s4,s5,s6,progression';
	return readTable([header, ...x.map((line, i) => `${line.trim().split(/\s+/).join(',')},${Number(y[i])}`)].join('\n'), 'diabetes.csv');
}

const shipped = (file) => readTable(readFileSync(`${ROOT}static/datasets/${file}`, 'utf8'), file);
const DATASETS = [
	{ id: 'iris', table: () => shipped('iris.csv'), target: 'species', task: 'classification' },
	{ id: 'wine', table: () => shipped('wine.csv'), target: 'cultivar', task: 'classification' },
	{ id: 'breast-cancer', table: () => shipped('breast-cancer.csv'), target: 'diagnosis', task: 'classification' },
	{ id: 'digits', table: () => shipped('digits.csv'), target: 'digit', task: 'classification' },
	{ id: 'penguins', table: () => shipped('penguins.csv'), target: 'species', task: 'classification' },
	{ id: 'penguins-mass', table: () => shipped('penguins.csv'), target: 'body_mass_g', task: 'regression' },
	{ id: 'diabetes', table: diabetesTable, target: 'progression', task: 'regression' }
].filter((d) => !ONLY || ONLY.includes(d.id));

function score(task, out, y, classes) {
	return task === 'classification' ? support.accuracy(out, y, classes) : support.r2(out, y);
}

mkdirSync(OUT, { recursive: true });
if (!SKIP_MLP) await useCpu();
const manifest = [];
/** results[dataset][model] = per-seed scores */
const results = {};
const seconds = {};
for (const ds of DATASETS) {
	const table = ds.table();
	results[ds.id] = {};
	for (const seed of SEEDS) {
		const h = support.holdoutData(table, ds.target, ds.task, seed);
		const base = `${OUT}/${ds.id}-${seed}`;
		writeFileSync(`${base}-xtrain.f32`, h.xTrain);
		writeFileSync(`${base}-xtest.f32`, h.xTest);
		writeFileSync(`${base}-ytrain.${ds.task === 'classification' ? 'i32' : 'f32'}`, h.yTrain);
		writeFileSync(`${base}-ytest.${ds.task === 'classification' ? 'i32' : 'f32'}`, h.yTest);
		manifest.push({ dataset: ds.id, seed, task: ds.task, base, nTrain: h.nTrain, nTest: h.nTest, d: h.d, classes: h.classes, trainRows: Array.from(h.trainRows), testRows: Array.from(h.testRows) });
		for (const family of models.CLASSIC_FAMILIES) {
			if (ds.task === 'regression' && family.endsWith('-nb')) continue;
			const started = performance.now();
			const model = models.fitClassic({ family, params: models.defaultParams(family, ds.task) }, h.xTrain, h.nTrain, h.d, h.yTrain, ds.task, h.classes, { seed });
			const s = score(ds.task, models.predictClassic(model, h.xTest, h.nTest), h.yTest, h.classes);
			(results[ds.id][family] ??= []).push(s);
			seconds[family] = (seconds[family] ?? 0) + (performance.now() - started) / 1000;
		}
		if (!SKIP_MLP) {
			const features = table.columns.map((c) => c.name).filter((n) => n !== ds.target);
			const started = performance.now();
			const run = await trainModel(table, { ...DEFAULT_CONFIG, target: ds.target, task: ds.task, features, seed });
			(results[ds.id].mlp ??= []).push(run.metrics.task === 'classification' ? run.metrics.accuracy : run.metrics.r2);
			seconds.mlp = (seconds.mlp ?? 0) + (performance.now() - started) / 1000;
		}
		process.stderr.write(`${ds.id} seed ${seed} done\n`);
	}
}
writeFileSync(`${OUT}/manifest.json`, JSON.stringify(manifest));

const script = fileURLToPath(new URL('./sklearn_quality.py', import.meta.url));
// One OpenMP thread: on a shared 2-core machine scikit-learn's HistGradientBoosting spent minutes
// spinning in OpenMP barriers; scores do not depend on the thread count (speed is trees-speed.mjs's job).
const sk = JSON.parse(execFileSync('/usr/bin/python3', [script, `${OUT}/manifest.json`], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, OMP_NUM_THREADS: '1' } }));

const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
const std = (a) => Math.sqrt(mean(a.map((v) => (v - mean(a)) ** 2)));
const cell = (a) => (a ? `${mean(a).toFixed(3)}±${std(a).toFixed(3)}` : '—');
const kilnNames = [...models.CLASSIC_FAMILIES, ...(SKIP_MLP ? [] : ['mlp'])];
const skNames = ['linear', 'forest', 'boosting', 'mlp'];
console.log(`\nHoldout score, mean±std over seeds ${SEEDS.join(',')} (accuracy for classes, R² for regression); stratified 80/20, same rows and encoded inputs on both sides.\n`);
console.log(['dataset', ...kilnNames.map((n) => `kiln ${n}`), ...skNames.map((n) => `sklearn ${n}`), 'kiln best', 'sklearn best', 'gap', 'target met'].join(' | '));
let allMet = true;
for (const ds of DATASETS) {
	const kiln = results[ds.id];
	const skl = sk.results[ds.id];
	const best = (r) => Object.entries(r).reduce((b, [name, a]) => (mean(a) > b.score ? { name, score: mean(a) } : b), { name: '', score: -Infinity });
	const kb = best(kiln);
	const sb = best(skl);
	const gap = kb.score - sb.score;
	const met = gap >= -(ds.task === 'classification' ? 0.005 : 0.01);
	allMet &&= met;
	console.log([ds.id, ...kilnNames.map((n) => cell(kiln[n])), ...skNames.map((n) => cell(skl[n])), `${kb.score.toFixed(3)} (${kb.name})`, `${sb.score.toFixed(3)} (${sb.name})`, gap.toFixed(3), met ? 'yes' : 'NO'].join(' | '));
}
console.log(`\nTarget (Kiln's best within 0.005 accuracy / 0.01 R² of scikit-learn's best on every set): ${allMet ? 'met' : 'NOT met'}`);
console.log(`Fit+predict seconds, all sets and seeds — Kiln: ${Object.entries(seconds).map(([n, s]) => `${n} ${s.toFixed(1)}`).join(', ')}; scikit-learn: ${Object.entries(sk.seconds).map(([n, s]) => `${n} ${s.toFixed(1)}`).join(', ')}`);
console.log(`scikit-learn ${sk.version} (Debian python3-sklearn), ${sk.cpus} cores; Kiln in Node ${process.version}, one thread.`);
