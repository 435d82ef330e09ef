// fast-check generators for share payloads (Node-only test support).
import fc from 'fast-check';
import type { FeatureTransform, Preprocessing } from '$workers/protocol';
import { weightTensor, type WeightFormat } from './convert';
import type { Activation, LayerSpec, SharePayload } from './types';

const text = (max: number) => fc.string({ maxLength: max, unit: fc.constantFrom('a', 'Z', '0', ' ', '<', '>', '"', "'", '&', 'é', '名', '🙂', '/', '\\') });
const name = fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('a', 'b', 'c', 'x', '_', '1', ' ', 'é', '<') });
// + 0 turns -0 into 0, which is what JSON makes of it anyway.
const finite = fc.double({ min: -1e3, max: 1e3, noNaN: true, noDefaultInfinity: true }).map((v) => v + 0);
const f32 = (n: number) => fc.array(fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n }).map((v) => Float32Array.from(v));
const activation = fc.constantFrom<Activation>('linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'elu', 'leakyRelu', 'gelu');

const feature = (featureName: string): fc.Arbitrary<FeatureTransform> =>
	fc.oneof(
		fc.record({ name: fc.constant(featureName), kind: fc.constant('numeric' as const), mean: finite, std: fc.double({ min: 1e-3, max: 1e3, noNaN: true }) }),
		fc.uniqueArray(name, { minLength: 0, maxLength: 4 }).chain((categories) =>
			fc.record({ name: fc.constant(featureName), kind: fc.constant('categorical' as const), categories: fc.constant(categories), fill: fc.integer({ min: -1, max: categories.length - 1 }) })
		)
	);

export const preprocessing: fc.Arbitrary<Preprocessing> = fc
	.uniqueArray(name, { minLength: 2, maxLength: 6 })
	.chain(([targetName, ...names]) =>
		fc.record({
			features: fc.tuple(...names.map(feature)),
			target: fc.oneof(
				fc.uniqueArray(text(10), { minLength: 2, maxLength: 5 }).map((classes) => ({ name: targetName, task: 'classification' as const, classes })),
				fc.record({ name: fc.constant(targetName), task: fc.constant('regression' as const), mean: finite, std: fc.double({ min: 1e-3, max: 1e3, noNaN: true }) })
			)
		})
	)
	.map(({ features, target }) => ({ features, target, inputSize: features.reduce((n, f) => n + (f.kind === 'numeric' ? 1 : f.categories.length), 0) }))
	.filter((p) => p.inputSize > 0);

function dense(inputs: number, units: number, format: WeightFormat): fc.Arbitrary<LayerSpec> {
	return fc.record({ kernel: f32(inputs * units), bias: fc.option(f32(units), { nil: undefined }), activation, alpha: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }) }).map(({ kernel, bias, activation, alpha }) => ({
		type: 'dense' as const,
		inputs,
		units,
		kernel: weightTensor(kernel, units, format),
		activation,
		...(bias ? { bias } : {}),
		...(alpha !== undefined ? { alpha } : {})
	}));
}

const extra = (units: number): fc.Arbitrary<LayerSpec> =>
	fc.oneof(
		fc.record({ gamma: fc.option(f32(units), { nil: undefined }), beta: fc.option(f32(units), { nil: undefined }), mean: f32(units), variance: f32(units).map((v) => v.map(Math.abs)), epsilon: fc.double({ min: 1e-5, max: 0.1, noNaN: true }) }).map(({ gamma, beta, ...rest }) => ({
			type: 'batchnorm' as const,
			units,
			...rest,
			...(gamma ? { gamma } : {}),
			...(beta ? { beta } : {})
		})),
		activation.map((a) => ({ type: 'activation' as const, units, activation: a }))
	);

export function payloadFor(prep: Preprocessing): fc.Arbitrary<SharePayload> {
	const out = prep.target.task === 'classification' ? prep.target.classes.length : 1;
	const names = prep.features.map((f) => f.name);
	return fc
		.record({ hidden: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 2 }), format: fc.constantFrom<WeightFormat>('float32', 'float16', 'int8'), withExtra: fc.boolean() })
		.chain(({ hidden, format, withExtra }) => {
			const widths = [prep.inputSize, ...hidden, out];
			const layers = widths.slice(1).map((w, i) => dense(widths[i], w, format));
			return fc.record({
				layers: fc.tuple(...layers, ...(withExtra ? [extra(out)] : [])),
				title: text(30),
				description: text(60),
				examples: fc.array(fc.dictionary(fc.constantFrom(...names), text(8), { maxKeys: names.length }), { maxLength: 3 }),
				labelNames: prep.target.task === 'classification' ? fc.option(fc.array(text(8), { minLength: out, maxLength: out }), { nil: undefined }) : fc.constant(undefined)
			});
		})
		.map(({ layers, title, description, examples, labelNames }) => ({
			formatVersion: 2,
			model: { inputSize: prep.inputSize, outputSize: out, layers },
			preprocessing: prep,
			demo: { title, description, examples, ...(labelNames ? { labelNames } : {}) }
		}));
}

export const payload: fc.Arbitrary<SharePayload> = preprocessing.chain(payloadFor);

/** Any JSON value, for replacing parts of a valid header. */
export const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
	fc.constantFrom(null, true, false, 0, -1, 1, 2, 1e308, -0.5, 4096, 4097, 65536, '', 'dense', 'int8', 'float32', 'relu', 'numeric', 'categorical', 'classification', 'regression', '__proto__'),
	fc.jsonValue({ maxDepth: 3 })
);
