// One-off: the Trust section's new jobs end to end in Node on tfjs-wasm (one thread), with the
// studio's own code paths: a plain run and its adversarially trained variant attacked alike, and
// the privacy/accuracy trade-off with DP-SGD speed as a ratio of plain training.
// Run: npx vitest run -c scripts/trust/vitest.config.ts studio-trust
import { it } from 'vitest';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_CONFIG } from '$shared/train-config';
import type { TrainConfig } from '$workers/protocol';
import { trainModel } from '$workers/lib/train';
import { robustnessOfRun } from '$workers/lib/trust-run/robustness-run';
import { trainVariant } from '$workers/lib/trust-run/variant-train';
import { privacySweep } from '$workers/lib/trust-run/privacy-sweep';
import { speedRatio } from '../../src/lib/features/trust/trust-figures';
import { loadDataset } from '../../tests/unit-support';

const require = createRequire(import.meta.url);
const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

async function useWasm() {
	tf.env().set('PROD', true);
	setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
	await tf.setBackend('wasm');
	await tf.ready();
}

it('adversarial training before/after on breast cancer and digits', async () => {
	await useWasm();
	for (const [file, target, epochs, epsilon] of [['breast-cancer.csv', 'diagnosis', 20, 0.1], ['digits.csv', 'digit', 15, 0.1]] as const) {
		const table = loadDataset(file);
		const config: TrainConfig = { ...DEFAULT_CONFIG, target, task: 'classification', features: table.columns.map((c) => c.name).filter((n) => n !== target), epochs, patience: 0, seed: 1 };
		const request = { attack: 'pgd' as const, norm: 'linf' as const, epsilons: [0.05, 0.1, 0.2, 0.3], steps: 10, seed: 1 };
		const plain = await trainModel(table, config);
		const before = await robustnessOfRun(table, config, { artifacts: plain.model, preprocessing: plain.preprocessing }, request);
		const started = performance.now();
		const adv = await trainVariant(table, config, { kind: 'adversarial', norm: 'linf', epsilon, ratio: 0.5, steps: 7 });
		const advSeconds = (performance.now() - started) / 1000;
		const after = await robustnessOfRun(table, config, { artifacts: adv.model, preprocessing: adv.preprocessing }, request);
		console.log(`${file} MLP ${config.hiddenLayers.join('-')}, ${epochs} epochs, ${before.holdoutRows} holdout rows; adversarial training (L∞ ε=${epsilon}, 50 %, PGD-7) took ${advSeconds.toFixed(1)} s`);
		console.log(`  PGD-10 L∞ accuracy   ${before.points.map((p) => `ε ${p.epsilon}`).join(' | ')}`);
		console.log(`  original            ${before.points.map((p) => pct(p.accuracy)).join(' | ')}`);
		console.log(`  adversarially trained ${after.points.map((p) => pct(p.accuracy)).join(' | ')}`);
	}
});

it('privacy trade-off and DP-SGD speed on breast cancer', async () => {
	await useWasm();
	const table = loadDataset('breast-cancer.csv');
	const target = 'diagnosis';
	for (const model of ['linear', 'mlp'] as const) {
		const config: TrainConfig = { ...DEFAULT_CONFIG, target, task: 'classification', model, features: table.columns.map((c) => c.name).filter((n) => n !== target), epochs: 20, batchSize: 32, seed: 1 };
		const sweep = await privacySweep(table, config, { clipNorm: 1, delta: 1e-5, noiseMultipliers: [0.7, 1, 2, 4] });
		console.log(`breast-cancer ${model}, 20 epochs, batch 32, C=1, δ=1e-5, seed 1: without privacy ${pct(sweep.baseline.metric)} at ${Math.round(sweep.baseline.samplesPerSecond)} rows/s`);
		for (const p of sweep.points) console.log(`  σ ${p.noiseMultiplier}: ε ${p.epsilon.toFixed(3)}, accuracy ${pct(p.metric)}, ${Math.round(p.samplesPerSecond)} rows/s (${(p.samplesPerSecond / sweep.baseline.samplesPerSecond).toFixed(2)}×)`);
		console.log(`  DP-SGD speed ratio (median): ${speedRatio(sweep)!.toFixed(2)}×; sweep took ${(sweep.durationMs / 1000).toFixed(1)} s`);
	}
});
