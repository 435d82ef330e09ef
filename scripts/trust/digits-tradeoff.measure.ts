// One-off: DP-SGD privacy/accuracy trade-off on digits (10 classes, harder than breast cancer).
// Run: npx vitest run -c scripts/trust/vitest.config.ts digits-tradeoff
import { it } from 'vitest';
import { useCpu } from '../../tests/unit-support';
import { argmaxRows, buildModel, forward } from '$workers/lib/model';
import { prepare } from '$workers/lib/trust/dp-sgd.spec-support';
import { trainDpSgd } from '$workers/lib/trust/dp-sgd';

it('digits trade-off', async () => {
	await useCpu();
	const seeds = [1, 2, 3];
	const data = seeds.map((s) => prepare('digits.csv', 'digit', s));
	console.log(`digits: ${data[0].yTrain.length} train / ${data[0].yHold.length} holdout; MLP [32], C=1, batch 64, 20 epochs, Adam lr 0.01, δ=1e-5`);
	console.log('| σ | ε | holdout accuracy (mean of 3 seeds) | per seed |');
	console.log('| --- | --- | --- | --- |');
	for (const sigma of [0, 0.7, 1, 1.5, 2, 3, 5, 8]) {
		const accs: number[] = [];
		let eps = 0;
		for (let i = 0; i < seeds.length; i++) {
			const d = data[i];
			const model = buildModel({ kind: 'mlp', inputSize: d.width, outputSize: 10, hiddenLayers: [32], seed: seeds[i] });
			const r = await trainDpSgd(model, d.xTrain, d.yTrain, 'classification', 10, { clipNorm: 1, noiseMultiplier: sigma, batchSize: 64, epochs: 20, delta: 1e-5, lr: 0.01, seed: seeds[i], secureNoise: false });
			eps = r.epsilon;
			const predicted = argmaxRows(await forward(model, d.xHold, d.yHold.length, d.width), 10);
			accs.push(predicted.filter((p, k) => p === d.yHold[k]).length / d.yHold.length);
			model.dispose();
		}
		console.log(`| ${sigma} | ${Number.isFinite(eps) ? eps.toFixed(2) : '∞ (clipping only)'} | ${(accs.reduce((a, b) => a + b) / accs.length).toFixed(4)} | ${accs.map((a) => a.toFixed(3)).join(', ')} |`);
	}
});
