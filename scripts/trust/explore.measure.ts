import { it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { loadDataset, useCpu } from '../../tests/unit-support';
import { breastCancer } from '../../workers/lib/trust/dp-sgd.spec-support';
import { buildModel, forward, argmaxRows } from '$workers/lib/model';
import { trainDpSgd } from '$workers/lib/trust/dp-sgd';
import { sigmaFor } from '$workers/lib/trust/rdp';

it('explore', async () => {
	await useCpu();
	const configs = [] as { hidden: number[]; sigma: number; batch: number; epochs: number; lr: number; C: number; eps: number }[];
	for (const eps of [8, 2]) for (const hidden of [[], [16]]) for (const epochs of [10, 30]) {
		const batch = 64;
		configs.push({ hidden, sigma: sigmaFor(eps, batch / 455, epochs * Math.round(455 / batch), 1e-5), batch, epochs, lr: hidden.length ? 0.02 : 0.05, C: 1, eps });
	}
	for (const c of configs) {
		for (const seed of [1, 2, 3]) {
			const d = breastCancer(seed);
			const model = buildModel({ kind: c.hidden.length ? 'mlp' : 'linear', inputSize: d.width, outputSize: 2, hiddenLayers: c.hidden, seed });
			const r = await trainDpSgd(model, d.xTrain, d.yTrain, 'classification', 2, { clipNorm: c.C, noiseMultiplier: c.sigma, batchSize: c.batch, epochs: c.epochs, delta: 1e-5, lr: c.lr, seed, secureNoise: false });
			const pred = argmaxRows(await forward(model, d.xHold, d.yHold.length, d.width), 2);
			let ok = 0; pred.forEach((p, i) => { if (p === d.yHold[i]) ok++; });
			console.log(JSON.stringify(c), seed, 'eps', r.epsilon.toFixed(3), 'acc', (ok / d.yHold.length).toFixed(4), 'sps', r.samplesPerSecond.toFixed(0));
			model.dispose();
		}
	}
	void tf; void loadDataset;
});
