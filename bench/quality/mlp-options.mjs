// MLP options on digits (one-off measurement, not a test): Kiln's MLP through trainModel with a
// few option sets, seeds 1–3, the same seeded stratified 80/20 holdout as run.mjs. Compare with
// scikit-learn's MLPClassifier on those splits in README.md (0.980 ± 0.007).
import { readFileSync } from 'node:fs';
import { importTs, ROOT } from './import-ts.mjs';

const { parseCsv } = await importTs('workers/lib/csv.ts');
const { trainModel, DEFAULT_CONFIG } = await importTs('workers/lib/train.ts');
const { useCpu } = await importTs('tests/unit-support.ts');
await useCpu();

const table = parseCsv(new Uint8Array(readFileSync(ROOT + 'static/datasets/digits.csv')).buffer, 'digits.csv').table;
const features = table.columns.map((c) => c.name).filter((n) => n !== 'digit');
const base = { ...DEFAULT_CONFIG, target: 'digit', task: 'classification', features };
const whole = { validationFraction: 0, patience: 0 };
const VARIANTS = {
	'default (32,16 relu Adam 0.01, 60 ep, early stop on 20 % validation)': {},
	'128 relu Adam 0.003 cosine, 80 ep, no validation split, l2 1e-4': { ...whole, hiddenLayers: [128], learningRate: 0.003, l2: 1e-4, epochs: 80, mlp: { schedule: 'cosine' } },
	'128 relu AdamW 0.003 (decay 0.01, l2 0) cosine, dropout 0.1, 80 ep': { ...whole, hiddenLayers: [128], learningRate: 0.003, l2: 0, epochs: 80, mlp: { optimizer: 'adamw', weightDecay: 0.01, schedule: 'cosine', dropout: [0.1] } },
	'256,128 relu batch-norm, dropout 0.2, AdamW 0.003 cosine + 3 warm-up, 60 ep': { ...whole, hiddenLayers: [256, 128], learningRate: 0.003, l2: 0, epochs: 60, mlp: { optimizer: 'adamw', batchNorm: true, dropout: [0.2], schedule: 'cosine', warmupEpochs: 3 } },
	'128 tanh SGD 0.05 momentum 0.9 Nesterov, step ×0.5 every 20, 80 ep, l2 1e-4': { ...whole, hiddenLayers: [128], learningRate: 0.05, l2: 1e-4, epochs: 80, mlp: { activation: 'tanh', optimizer: 'sgd', nesterov: true, schedule: 'step', stepEvery: 20, stepFactor: 0.5 } }
};
const only = process.env.ONLY ? Number(process.env.ONLY) : null;
for (const [i, [name, overrides]] of Object.entries(VARIANTS).entries()) {
	if (only !== null && only !== i) continue;
	const scores = [];
	for (const seed of [1, 2, 3]) {
		const run = await trainModel(table, { ...base, ...overrides, seed });
		scores.push(run.metrics.accuracy);
	}
	const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
	const std = Math.sqrt(scores.reduce((a, v) => a + (v - mean) ** 2, 0) / (scores.length - 1));
	console.log(`${mean.toFixed(3)} ± ${std.toFixed(3)}  [${scores.map((s) => s.toFixed(3)).join(', ')}]  ${name}`);
}
