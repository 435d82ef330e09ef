// One-off: PGD accuracy curves after standard vs adversarial training on breast cancer (figures in adversarial.spec.ts).
// Run: npx vitest run -c scripts/trust/vitest.config.ts adversarial
import { it } from 'vitest';
import { useCpu } from '../../tests/unit-support';
import { buildModel } from '$workers/lib/model';
import { breastCancer } from '$workers/lib/trust/dp-sgd.spec-support';
import { trainAdversarial } from '$workers/lib/trust/adversarial-training';
import { boxFromData, robustnessCurve } from '$workers/lib/trust/adversarial';

it('adversarial training figures', async () => {
	await useCpu();
	for (const seed of [1, 2]) {
		const d = breastCancer(seed);
		const box = boxFromData(d.xTrain, d.width);
		for (const [norm, eps] of [['linf', 0.3], ['l2', 1.5]] as const) {
			for (const ratio of [0, 0.5, 1]) {
				const model = buildModel({ kind: 'mlp', inputSize: d.width, outputSize: 2, hiddenLayers: [16], seed });
				const t0 = performance.now();
				await trainAdversarial(model, d.xTrain, d.yTrain, 2, { epochs: 15, batchSize: 32, lr: 0.01, ratio, seed, attack: { epsilon: eps, norm, steps: 5, box } });
				const ms = performance.now() - t0;
				const curve = await robustnessCurve(model, d.xHold, d.yHold, [0, eps / 3, (2 * eps) / 3, eps, 2 * eps], { norm, steps: 10, seed: 7, box });
				console.log(seed, norm, 'ratio', ratio, 'train ms', ms.toFixed(0), curve.points.map((p) => `${p.epsilon.toFixed(2)}:${p.accuracy.toFixed(3)}`).join(' '));
				model.dispose();
			}
		}
	}
});
