// One-off: mljs (ml-cart, ml-random-forest) against Kiln's own tree and forest, accuracy and time.
// Needs the packages outside the repo:  npm install --prefix /tmp/mljs ml-cart ml-random-forest
// Run: node bench/quality/mljs-compare.mjs
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { importTs } from './import-ts.mjs';

const require = createRequire('/tmp/mljs/node_modules/');
const { DecisionTreeClassifier } = require('ml-cart');
const { RandomForestClassifier } = require('ml-random-forest');
const m = await importTs('workers/lib/models/index.ts');
const s = await importTs('workers/lib/models/models.spec-support.ts');

const rows = (x, n, d) => Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * d, i * d + d)));
const acc = (pred, y) => pred.reduce((g, p, i) => g + (p === y[i] ? 1 : 0), 0) / y.length;
const argmax = (probs, n, k) => Array.from({ length: n }, (_, i) => {
	let b = 0;
	for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + b]) b = c;
	return b;
});
function time(f) {
	const t = performance.now();
	const out = f();
	return [out, (performance.now() - t) / 1000];
}

function compare(label, h, nTrees) {
	const { xTrain, yTrain, xTest, yTest, nTrain, nTest, d, classes } = h;
	const trainRows = rows(xTrain, nTrain, d);
	const testRows = rows(xTest, nTest, d);
	const yArr = Array.from(yTrain);
	const out = [];
	const [cart, cartFit] = time(() => { const t = new DecisionTreeClassifier({ gainFunction: 'gini' }); t.train(trainRows, yArr); return t; });
	const [cartPred, cartPredT] = time(() => cart.predict(testRows));
	out.push(['ml-cart tree', acc(cartPred, yTest), cartFit, cartPredT]);
	const [kt, ktFit] = time(() => m.fitClassic({ family: 'tree', params: m.defaultParams('tree', 'classification') }, xTrain, nTrain, d, yTrain, 'classification', classes, { seed: 1 }));
	const [ktPred, ktPredT] = time(() => argmax(m.predictClassic(kt, xTest, nTest), nTest, classes));
	out.push(['Kiln tree', acc(ktPred, yTest), ktFit, ktPredT]);
	const [rf, rfFit] = time(() => {
		const f = new RandomForestClassifier({ nEstimators: nTrees, seed: 1, maxFeatures: Math.sqrt(d) / d, replacement: true, useSampleBagging: true, noOOB: true, treeOptions: { gainFunction: 'gini' } });
		f.train(trainRows, yArr);
		return f;
	});
	const [rfPred, rfPredT] = time(() => rf.predict(testRows));
	out.push([`ml-random-forest ${nTrees}`, acc(rfPred, yTest), rfFit, rfPredT]);
	const [kf, kfFit] = time(() => m.fitClassic({ family: 'forest', params: { ...m.defaultParams('forest', 'classification'), nTrees } }, xTrain, nTrain, d, yTrain, 'classification', classes, { seed: 1 }));
	const [kfPred, kfPredT] = time(() => argmax(m.predictClassic(kf, xTest, nTest), nTest, classes));
	out.push([`Kiln forest ${nTrees}`, acc(kfPred, yTest), kfFit, kfPredT]);
	for (const [name, a, fit, pred] of out) console.log(`${label.padEnd(28)} ${name.padEnd(22)} acc ${a.toFixed(3)}  fit ${fit.toFixed(2)} s  predict ${pred.toFixed(3)} s`);
}

for (const seed of [1, 2, 3]) compare(`breast-cancer seed ${seed}`, s.datasetHoldout('breast-cancer.csv', 'diagnosis', 'classification', seed), 100);
// ml-cart's split search grows with rows² (see the report), so the larger sets get 20 trees.
compare('digits seed 1', s.datasetHoldout('digits.csv', 'digit', 'classification', 1), 20);
// 2,000 + 2,000 rows of the trees-speed synthetic table (run trees-speed.mjs once to write it).
try {
	const lines = readFileSync('/tmp/kiln-trees-speed/data.csv', 'utf8').trim().split('\n').slice(1, 4001).map((l) => l.split(',').map(Number));
	const pack = (part) => ({ x: Float32Array.from(part.flatMap((r) => r.slice(0, 20))), y: Int32Array.from(part, (r) => r[20]) });
	const tr = pack(lines.slice(0, 2000));
	const te = pack(lines.slice(2000));
	compare('synthetic 2k × 20', { xTrain: tr.x, yTrain: tr.y, xTest: te.x, yTest: te.y, nTrain: 2000, nTest: 2000, d: 20, classes: 2 }, 20);
} catch (error) {
	console.log('synthetic table skipped:', error.message);
}
