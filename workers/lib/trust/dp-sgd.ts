import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { KilnError } from '$shared/errors';
import type { Task } from '$workers/protocol';
import { clippedGradients, dpDenseLayers } from './dp-gradients';
import { createRandomSource } from './noise';
import { createAccountant } from './rdp';
import type { DpEpochRecord, DpSgdOptions, DpSgdResult, WeightValues } from './types';

function validate(rows: number, width: number, x: Float32Array, y: ArrayLike<number>, task: Task, classes: number, o: DpSgdOptions): number {
	const bad = (message: string): never => {
		throw new KilnError('PrivacyError', message);
	};
	if (rows < 1 || x.length !== rows * width) bad(`The feature matrix has ${x.length} values, which is not ${y.length} rows × ${width} inputs.`);
	if (task === 'classification') {
		for (let i = 0; i < rows; i++) if (!Number.isInteger(y[i]) || y[i] < 0 || y[i] >= classes) bad(`Row ${i} has class index ${y[i]}; expected 0 to ${classes - 1}.`);
	}
	if (!(o.clipNorm > 0) || !Number.isFinite(o.clipNorm)) bad(`The clipping norm C must be a positive number (it was ${o.clipNorm}).`);
	if (!(o.noiseMultiplier >= 0) || !Number.isFinite(o.noiseMultiplier)) bad(`The noise multiplier must be a number of at least 0 (it was ${o.noiseMultiplier}).`);
	if (!Number.isInteger(o.epochs) || o.epochs < 1) bad('Epochs must be a whole number of at least 1.');
	if (!(o.delta > 0 && o.delta < 1)) bad(`δ must be between 0 and 1 (it was ${o.delta}); 1/rows or smaller is usual.`);
	if (o.sampleRate === undefined && o.batchSize === undefined) bad('Give a sampling rate or an expected batch size.');
	const q = o.sampleRate ?? o.batchSize! / rows;
	if (!(q > 0 && q <= 1)) bad(`The sampling rate must be above 0 and at most 1 (it was ${q}); the batch size cannot exceed the ${rows} training rows.`);
	if (o.budgetEpsilon !== undefined && !(o.budgetEpsilon > 0)) bad('The privacy budget ε must be a positive number.');
	return q;
}

function weightValues(variables: tf.Variable[]): WeightValues[] {
	return variables.map((v) => ({ name: v.name, shape: [...v.shape], values: v.dataSync() as Float32Array }));
}

/**
 * Where a run continues from (after restoring the model's weights, e.g. with restoreCheckpoint):
 * the steps already taken and their ε curve, so the accountant keeps counting, and the optimiser
 * holding the restored Adam moments. A given optimiser belongs to the caller and is not disposed.
 * With secureNoise false the seeded stream restarts, so a resumed run is not bit-identical to an
 * uninterrupted one.
 */
export interface DpTrainingState {
	optimizer?: tf.Optimizer;
	steps?: number;
	curve?: DpEpochRecord[];
}

/**
 * DP-SGD (Abadi et al. 2016) for a Dense model built by buildModel, trained in place.
 *
 * Each step takes every row with probability q (Poisson sampling, the accountant's assumption),
 * clips each example's gradient to norm C, adds N(0, (σC)²) to the sum and divides by the
 * expected batch size q·N (Opacus optimizer.py add_noise/scale_grad), then takes an Adam or SGD
 * step. One epoch is round(1/q) steps. ε is the RDP accountant's at δ after every epoch; with a
 * budget, training stops after the last step that keeps ε within it.
 */
export async function trainDpSgd(model: tfl.LayersModel, x: Float32Array, y: ArrayLike<number>, task: Task, classes: number, options: DpSgdOptions, state: DpTrainingState = {}): Promise<DpSgdResult> {
	const layers = dpDenseLayers(model);
	const width = layers[0].kernel.shape[0];
	const rows = y.length;
	const q = validate(rows, width, x, y, task, classes, options);
	const { clipNorm, noiseMultiplier: sigma, delta } = options;
	const secure = options.secureNoise ?? true;
	const random = createRandomSource({ secure, seed: options.seed });
	const accountant = createAccountant(q, sigma, delta, { conversion: options.conversion });
	const stepsPerEpoch = Math.max(1, Math.round(1 / q));
	const plannedSteps = options.epochs * stepsPerEpoch;
	const allowedSteps = options.budgetEpsilon === undefined ? plannedSteps : accountant.maxSteps(options.budgetEpsilon, plannedSteps);
	if (allowedSteps === 0) {
		throw new KilnError('PrivacyError', `Even one step would spend more than ε = ${options.budgetEpsilon} at this noise (σ = ${sigma}) and sampling rate (q = ${q.toPrecision(3)}). Raise the noise or the budget.`);
	}
	const done = state.steps ?? 0;
	if (!Number.isInteger(done) || done < 0 || done > plannedSteps) throw new KilnError('PrivacyError', `The run to resume has taken ${done} steps, but this run plans ${plannedSteps}.`);
	const optimizer = state.optimizer ?? (options.optimizer === 'sgd' ? tf.train.sgd(options.lr ?? 0.1) : tf.train.adam(options.lr ?? 0.001));
	const variables = layers.flatMap((l) => [l.kernel, l.bias]);
	const noise = variables.map((v) => new Float32Array(v.size));
	const expectedBatch = q * rows;
	const l2 = options.l2 ?? 0;
	// Poisson batches vary in size; start at the mean plus six standard deviations and grow if ever needed.
	let batch = new Float32Array(Math.ceil(q * rows + 6 * Math.sqrt(q * rows) + 16) * width);
	const batchLabels: number[] = [];
	const curve: DpEpochRecord[] = [...(state.curve ?? [])];
	let steps = done;
	let seen = 0;
	let trainingMs = 0;
	try {
		for (let epoch = curve.length + 1; epoch <= options.epochs && steps < allowedSteps; epoch++) {
			const started = performance.now();
			let lossSum = 0;
			let sampled = 0;
			let clipped = 0;
			for (let s = 0; s < stepsPerEpoch && steps < allowedSteps; s++) {
				if (options.signal?.aborted) throw new KilnError('AbortError', 'Private training was cancelled.');
				batchLabels.length = 0;
				for (let i = 0; i < rows; i++) {
					if (random.uniform() >= q) continue;
					if ((batchLabels.length + 1) * width > batch.length) {
						const grown = new Float32Array(batch.length * 2);
						grown.set(batch);
						batch = grown;
					}
					batch.set(x.subarray(i * width, (i + 1) * width), batchLabels.length * width);
					batchLabels.push(y[i]);
				}
				const n = batchLabels.length;
				for (let v = 0; v < variables.length; v++) random.gaussian(noise[v], sigma * clipNorm);
				const stats = tf.tidy(() => {
					let grads: tf.Tensor[] = variables.map((v) => tf.zerosLike(v));
					let loss: tf.Scalar = tf.scalar(0);
					let over: tf.Scalar = tf.scalar(0);
					if (n > 0) {
						const xs = tf.tensor2d(batch.subarray(0, n * width), [n, width]);
						const result = clippedGradients(layers, xs, batchLabels, task, classes, clipNorm);
						grads = result.grads;
						loss = result.lossSum;
						over = tf.sum(tf.cast(tf.greater(result.norms, clipNorm), 'float32'));
					}
					const update = variables.map((v, i) => {
						let g = tf.div(tf.add(grads[i], tf.tensor(noise[i], v.shape)), expectedBatch);
						if (l2 > 0 && v.rank === 2) g = tf.add(g, tf.mul(v, 2 * l2));
						return { name: v.name, tensor: g };
					});
					optimizer.applyGradients(update);
					return tf.stack([loss, over]);
				});
				const [loss, over] = await stats.data();
				stats.dispose();
				if (!Number.isFinite(loss)) throw new KilnError('TrainingError', `The loss became ${loss} in epoch ${epoch}. Lower the learning rate and train again.`);
				lossSum += loss;
				clipped += over;
				sampled += n;
				steps++;
				options.onProgress?.(steps / allowedSteps, steps, allowedSteps);
			}
			trainingMs += performance.now() - started;
			seen += sampled;
			const record: DpEpochRecord = {
				epoch,
				steps,
				epsilon: accountant.spent(steps).epsilon,
				trainLoss: sampled > 0 ? lossSum / sampled : NaN,
				clippedFraction: sampled > 0 ? clipped / sampled : 0
			};
			curve.push(record);
			await options.onEpoch?.(record);
		}
		const spent = accountant.spent(steps);
		return {
			weights: weightValues(variables),
			curve,
			epsilon: spent.epsilon,
			delta,
			order: spent.order,
			steps,
			stoppedByBudget: steps < plannedSteps,
			sampleRate: q,
			noiseMultiplier: sigma,
			clipNorm,
			secureNoise: secure,
			samplesPerSecond: trainingMs > 0 ? seen / (trainingMs / 1000) : 0
		};
	} finally {
		if (!state.optimizer) optimizer.dispose();
	}
}
