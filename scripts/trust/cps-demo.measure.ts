// One-off: the trust library on the CPS 1985 wages demo set: fairness audit by gender and race,
// reweighing, per-group thresholds, and the DP-SGD privacy/accuracy trade-off.
// Run: npx vitest run -c scripts/trust/vitest.config.ts cps-demo
import { it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useCpu } from '../../tests/unit-support';
import { buildModel, forward, softmaxRows } from '$workers/lib/model';
import { createRng, shuffleInPlace } from '$workers/lib/random';
import { findColumn } from '$shared/table';
import { prepare, type Prepared } from '$workers/lib/trust/dp-sgd.spec-support';
import { auditFairness } from '$workers/lib/trust/fairness';
import { groupThresholds, applyGroupThresholds, reweighing } from '$workers/lib/trust/fairness-mitigation';
import { makeWeightedTrainStep } from '$workers/lib/trust/weighted-step';
import { trainDpSgd } from '$workers/lib/trust/dp-sgd';
import type { FairnessReport } from '$workers/lib/trust/types';

function columnValues(d: Prepared, name: string, rows: Int32Array): string[] {
	const column = findColumn(d.table, name);
	if (column.kind !== 'categorical') throw new Error(`${name} is not categorical`);
	return Array.from(rows, (r) => column.categories[column.codes[r]]);
}

async function fit(d: Prepared, seed: number, weights?: Float32Array) {
	const model = buildModel({ kind: 'mlp', inputSize: d.width, outputSize: 2, hiddenLayers: [16], seed });
	const optimizer = tf.train.adam(0.01);
	const step = makeWeightedTrainStep(model, optimizer, 'classification', 2, 0.001);
	const order = Int32Array.from({ length: d.yTrain.length }, (_, i) => i);
	const rng = createRng(seed);
	for (let epoch = 0; epoch < 40; epoch++) {
		shuffleInPlace(order, rng);
		for (let s = 0; s < order.length; s += 32) {
			const idx = order.subarray(s, Math.min(order.length, s + 32));
			const xb = new Float32Array(idx.length * d.width);
			idx.forEach((r, i) => xb.set(d.xTrain.subarray(r * d.width, (r + 1) * d.width), i * d.width));
			tf.dispose(step(xb, Array.from(idx, (r) => d.yTrain[r]), Array.from(idx, (r) => (weights ? weights[r] : 1))));
		}
	}
	optimizer.dispose();
	const positive = d.classes.indexOf('yes');
	const score = async (x: Float32Array, n: number) => softmaxRows(await forward(model, x, n, d.width), 2).map((p) => p[positive]);
	const result = { train: await score(d.xTrain, d.yTrain.length), hold: await score(d.xHold, d.yHold.length) };
	model.dispose();
	return result;
}

const pct = (v: number) => (Number.isNaN(v) ? 'n/a' : (100 * v).toFixed(1) + '%');
function show(title: string, report: FairnessReport) {
	console.log(`  ${title}: ` + report.groups.map((g) => `${g.group} (n=${g.count}${g.small ? ', small' : ''}) sel ${pct(g.selectionRate.value)} [${pct(g.selectionRate.low)}–${pct(g.selectionRate.high)}] TPR ${pct(g.truePositiveRate.value)} FPR ${pct(g.falsePositiveRate.value)} err ${pct(g.errorRate.value)}`).join('; '));
	const x = report.disparities;
	console.log(`    DP diff ${x.demographicParityDifference.toFixed(3)}, DP ratio ${x.demographicParityRatio.toFixed(3)}, EO diff ${x.equalizedOddsDifference.toFixed(3)} (TPR gap ${x.truePositiveRateDifference.toFixed(3)}, FPR gap ${x.falsePositiveRateDifference.toFixed(3)}); overall error ${pct(report.overall.errorRate.value)}`);
}

it('CPS 1985 demo', async () => {
	await useCpu();
	const seeds = [1, 2, 3];
	for (const seed of seeds) {
		const d = prepare('cps-wages-1985.csv', 'wage_above_median', seed, 0.3);
		const positive = d.classes.indexOf('yes');
		const truthHold = Array.from(d.yHold, (v) => (v === positive ? 1 : 0));
		const truthTrain = Array.from(d.yTrain, (v) => (v === positive ? 1 : 0));
		const sensitive = [
			{ name: 'gender', values: columnValues(d, 'gender', d.holdout) },
			{ name: 'race', values: columnValues(d, 'race', d.holdout) }
		];
		console.log(`seed ${seed}: ${d.yTrain.length} train / ${d.yHold.length} holdout rows, classes ${d.classes.join('/')}`);
		const base = await fit(d, seed);
		const audit = auditFairness({ truth: truthHold, scores: base.hold, threshold: 0.5, sensitive, minGroupSize: 20 });
		show('baseline by gender', audit.perColumn[0]);
		show('baseline by race', audit.perColumn[1]);
		show('baseline gender × race', audit.intersectional!);

		const genderTrain = columnValues(d, 'gender', d.train);
		const { weights, table } = reweighing(truthTrain, genderTrain);
		console.log('  reweighing weights: ' + table.map((c) => `${c.group}/${c.label}: ${c.weight.toFixed(3)}`).join(', '));
		const reweighed = await fit(d, seed, weights);
		show('reweighed by gender', auditFairness({ truth: truthHold, scores: reweighed.hold, sensitive: sensitive.slice(0, 1) }).perColumn[0]);

		// Thresholds are chosen on the training rows' scores and judged on the holdout.
		for (const objective of ['equalized_odds', 'demographic_parity'] as const) {
			const chosen = groupThresholds({ truth: truthTrain, scores: base.train, groups: genderTrain, objective, maxAccuracyLoss: 0.03 });
			const decisions = applyGroupThresholds(base.hold, sensitive[0].values, chosen.thresholds);
			const after = auditFairness({ truth: truthHold, predicted: decisions, sensitive: sensitive.slice(0, 1) }).perColumn[0];
			console.log(`  thresholds for ${objective} (fit on train: disparity ${chosen.before.disparity.toFixed(3)} → ${chosen.after.disparity.toFixed(3)}, accuracy ${chosen.before.accuracy.toFixed(3)} → ${chosen.after.accuracy.toFixed(3)}; ${chosen.curve.length} front points): ${JSON.stringify(Object.fromEntries(Object.entries(chosen.thresholds).map(([k, v]) => [k, +v.toFixed(3)])))}`);
			show(`holdout after ${objective} thresholds`, after);
		}
	}

	console.log('DP-SGD trade-off on CPS (MLP [16], C=1, batch 32, 30 epochs, δ=1e-5, holdout 30 %, mean of 3 seeds)');
	console.log('| σ | ε | holdout accuracy (mean) | per seed |');
	console.log('| --- | --- | --- | --- |');
	for (const sigma of [0, 0.6, 0.8, 1, 1.5, 2, 4, 8]) {
		const accs: number[] = [];
		let eps = 0;
		for (const seed of seeds) {
			const d = prepare('cps-wages-1985.csv', 'wage_above_median', seed, 0.3);
			const model = buildModel({ kind: 'mlp', inputSize: d.width, outputSize: 2, hiddenLayers: [16], seed });
			const r = await trainDpSgd(model, d.xTrain, d.yTrain, 'classification', 2, { clipNorm: 1, noiseMultiplier: sigma, batchSize: 32, epochs: 30, delta: 1e-5, lr: 0.01, seed, secureNoise: false });
			eps = r.epsilon;
			const probs = softmaxRows(await forward(model, d.xHold, d.yHold.length, d.width), 2);
			accs.push(probs.filter((p, i) => (p[1] > p[0] ? 1 : 0) === d.yHold[i]).length / d.yHold.length);
			model.dispose();
		}
		console.log(`| ${sigma} | ${Number.isFinite(eps) ? eps.toFixed(2) : '∞ (no noise)'} | ${(accs.reduce((a, b) => a + b) / 3).toFixed(4)} | ${accs.map((a) => a.toFixed(3)).join(', ')} |`);
	}
});
