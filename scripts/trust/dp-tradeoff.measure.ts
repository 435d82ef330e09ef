// One-off: privacy/accuracy trade-off (ε vs holdout accuracy for several σ) on breast cancer,
// plus the spec's 3-seed check at ε ≤ 8. Run: npx vitest run -c scripts/trust/vitest.config.ts dp-tradeoff
import { it } from 'vitest';
import { useCpu } from '../../tests/unit-support';
import { argmaxRows, buildModel, forward } from '$workers/lib/model';
import { breastCancer, type Prepared } from '$workers/lib/trust/dp-sgd.spec-support';
import { trainDpSgd } from '$workers/lib/trust/dp-sgd';
import { sigmaFor } from '$workers/lib/trust/rdp';
import { trainModel } from '$workers/lib/train';
import { DEFAULT_CONFIG } from '$shared/train-config';
import type { ClassificationMetrics } from '$workers/protocol';

async function holdoutAccuracy(d: Prepared, seed: number, sigma: number, epochs: number, batch = 64, hidden = [16], lr = 0.02) {
	const model = buildModel({ kind: hidden.length ? 'mlp' : 'linear', inputSize: d.width, outputSize: 2, hiddenLayers: hidden, seed });
	const result = await trainDpSgd(model, d.xTrain, d.yTrain, 'classification', 2, { clipNorm: 1, noiseMultiplier: sigma, batchSize: batch, epochs, delta: 1e-5, lr, seed, secureNoise: false });
	const predicted = argmaxRows(await forward(model, d.xHold, d.yHold.length, d.width), 2);
	model.dispose();
	return { accuracy: predicted.filter((p, i) => p === d.yHold[i]).length / d.yHold.length, epsilon: result.epsilon };
}

it('trade-off table', async () => {
	await useCpu();
	const seeds = [1, 2, 3];
	const data = seeds.map((s) => breastCancer(s));

	const check = [];
	for (const seed of [1, 2, 3, 4, 5, 6]) {
		const d = breastCancer(seed);
		const q = 64 / d.yTrain.length;
		check.push(await holdoutAccuracy(d, seed, sigmaFor(8, q, 10 * Math.round(1 / q), 1e-5), 10));
	}
	console.log(`spec config (MLP [16], ε≤8, 10 epochs), seeds 1-6: ${check.map((c) => `acc ${c.accuracy.toFixed(4)} ε ${c.epsilon.toFixed(3)}`).join('; ')}`);
	if (process.env.SPEC_ONLY) return;

	const table = data[0].table;
	const plain: number[] = [];
	for (const seed of seeds) {
		const run = await trainModel(table, { ...DEFAULT_CONFIG, target: 'diagnosis', task: 'classification', features: table.columns.map((c) => c.name).filter((n) => n !== 'diagnosis'), model: 'mlp', hiddenLayers: [16], epochs: 20, learningRate: 0.01, batchSize: 64, l2: 0, seed });
		plain.push((run.metrics as ClassificationMetrics).accuracy);
	}
	console.log(`non-private MLP [16], 20 epochs, batch 64 (trainModel, same split seeds): mean accuracy ${(plain.reduce((a, b) => a + b) / 3).toFixed(4)} (${plain.map((a) => a.toFixed(4)).join(', ')})`);

	console.log('| σ | ε (δ=1e-5) | holdout accuracy, mean of 3 seeds | per seed |');
	console.log('| --- | --- | --- | --- |');
	for (const sigma of [0.5, 0.7, 1, 1.5, 2, 3, 5, 8, 12]) {
		const runs = [];
		for (let i = 0; i < seeds.length; i++) runs.push(await holdoutAccuracy(data[i], seeds[i], sigma, 20));
		const mean = runs.reduce((a, r) => a + r.accuracy, 0) / runs.length;
		console.log(`| ${sigma} | ${runs[0].epsilon.toFixed(2)} | ${mean.toFixed(4)} | ${runs.map((r) => r.accuracy.toFixed(3)).join(', ')} |`);
	}
});
