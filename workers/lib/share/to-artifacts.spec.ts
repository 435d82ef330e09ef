import { beforeAll, describe, expect, it } from 'vitest';
import { predictTable } from '$workers/lib/predict';
import { describeModel } from './convert';
import { createPredictor } from './runtime';
import { createSharePredictor } from './runtime-share';
import type { ModelDescription } from './types';
import { decodeShareLink, encodeShareLink, makeSharePayload } from './share-link';
import { artifactsFromDescription } from './to-artifacts';
import { trainBriefly, useCpu } from './share.spec-support';
import { defaultDemoConfig } from './demo-config';
import { cellText } from '$shared/table';

beforeAll(useCpu);

describe('compact model → tfjs artifacts', () => {
	it('imports a shared int8 model into a tfjs model that predicts like the runtime', async () => {
		const { table, result, prep, rows } = await trainBriefly('penguins.csv', 'species');
		const shared = decodeShareLink(encodeShareLink(makeSharePayload(result.model, prep, { title: 't', description: '', examples: [] })));
		const artifacts = await artifactsFromDescription(shared.model as ModelDescription);
		const tfjs = await predictTable(artifacts, shared.preprocessing, table);
		const compact = createSharePredictor(shared);
		let worst = 0;
		rows.forEach((row, r) => compact.predict(row).probabilities!.forEach((p, c) => (worst = Math.max(worst, Math.abs(p - tfjs.probabilities![r][c])))));
		expect(worst).toBeLessThan(1e-5);
	});

	it('keeps batch normalisation and every activation', async () => {
		const f = (n: number, k = 1) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * k) * 0.7);
		const model: ModelDescription = {
			inputSize: 3,
			outputSize: 2,
			layers: [
				{ type: 'dense', inputs: 3, units: 4, activation: 'leakyRelu', alpha: 0.1, kernel: { dtype: 'float32', values: f(12) }, bias: f(4, 2) },
				{ type: 'batchnorm', units: 4, epsilon: 0.01, gamma: f(4, 3), mean: f(4, 4), variance: f(4, 5).map(Math.abs) },
				{ type: 'activation', units: 4, activation: 'tanh' },
				{ type: 'dense', inputs: 4, units: 2, activation: 'softmax', kernel: { dtype: 'float32', values: f(8, 6) } }
			]
		};
		const back = describeModel(await artifactsFromDescription(model));
		const x = f(30, 7);
		const prep = { features: [], inputSize: 3, target: { name: 'y', task: 'classification' as const, classes: ['a', 'b'] } };
		const a = createPredictor(model, prep).outputs(x, 10);
		const b = createPredictor(back, prep).outputs(x, 10);
		a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-6));
	});
});

describe('default demo config', () => {
	it('picks one seeded example per class with only the feature cells', async () => {
		const { table, prep, rows } = await trainBriefly('iris.csv', 'species', { epochs: 1 });
		const demo = defaultDemoConfig(table, prep, { title: 'Iris', examples: 3, seed: 4 });
		expect(demo.examples).toHaveLength(3);
		expect(Object.keys(demo.examples[0])).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
		const species = table.columns.find((c) => c.name === 'species')!;
		const classOf = (example: Record<string, string>) => cellText(species, rows.findIndex((row) => JSON.stringify(row) === JSON.stringify(example)));
		expect(new Set(demo.examples.map(classOf))).toEqual(new Set(['setosa', 'versicolor', 'virginica']));
		expect(defaultDemoConfig(table, prep, { title: 'Iris', seed: 4 })).toEqual(demo);
	});
});
