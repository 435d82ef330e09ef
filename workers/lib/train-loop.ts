import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { metricNameFor, type EpochRecord, type JobEvent, type TargetTransform, type Task, type TrainCheckpoint, type TrainConfig } from '../protocol';
import { KilnError } from '$shared/errors';
import { captureCheckpoint, restoreCheckpoint } from './checkpoint';
import { denseForward, denseLayers } from './dense';
import { BestWeightsTracker, divergence, trivialLoss } from './early-stopping';
import { oneHotTensor, softmaxCrossEntropy } from './losses';
import { buildModel, forward } from './model';
import { createRng, shuffleInPlace } from './random';
import { yielder } from './yield-task';
import { lossAndMetric } from './scores';
import type { EncodedPart } from './train-encode';
import { makeWeightedTrainStep } from './trust/weighted-step';
import { isPlainMlp, resolveMlpOptions } from '$shared/mlp-options';
import { foldForStorage } from './mlp/fold';
import { makeMlpStep, makeOptimizer } from './mlp/step';
import { makeFusedDenseStep } from './mlp/fused-step';

/**
 * One optimiser step on a batch (row-major features, class indices or standardised targets);
 * returns the batch's DATA loss (without the L2 penalty, so it compares with validation loss)
 * as a scalar tensor the caller reads and disposes. Shared with the benchmark so it measures
 * exactly the path training takes.
 *
 * The models buildModel makes (plain Dense stacks) train through denseForward and the
 * cross-entropy in losses.ts: same values as model.apply and tf.losses, but on tfjs-wasm the
 * step took 3–4× as long through tfjs's own gradients (see bench/README.md). Any other model
 * keeps tfjs's autodiff.
 */
export function makeTrainStep(model: tfl.LayersModel, optimizer: tf.Optimizer, task: Task, classes: number, l2: number): (x: Float32Array, y: number[]) => tf.Scalar {
	// A relu Dense stack with Adam on wasm or cpu: Kiln's fused step (mlp/fused-step.ts).
	const fused = makeFusedDenseStep(model, optimizer, task, classes, l2);
	if (fused) return fused;
	const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
	const kernels = variables.filter((v) => v.shape.length === 2);
	const width = model.inputs[0].shape[1] as number;
	const dense = denseLayers(model);
	return (x: Float32Array, y: number[]): tf.Scalar => {
		let dataLoss: tf.Scalar | null = null;
		tf.tidy(() => {
			const n = y.length;
			const xs = tf.tensor2d(x, [n, width]);
			const ys = task === 'classification' ? oneHotTensor(y, classes) : tf.tensor2d(y, [n, 1]);
			optimizer.minimize(() => {
				const out = dense ? denseForward(dense, xs) : (model.apply(xs, { training: true }) as tf.Tensor2D);
				const loss = (task === 'classification' ? softmaxCrossEntropy(ys, out) : tf.losses.meanSquaredError(ys, out)) as tf.Scalar;
				// A clone: minimize() disposes the cost it is handed, which is `loss` itself without L2.
				dataLoss = tf.keep(loss.clone());
				if (l2 === 0) return loss;
				const penalty = tf.addN(kernels.map((k) => tf.sum(tf.square(k))));
				return tf.add(loss, tf.mul(penalty, l2)) as tf.Scalar;
			}, false, variables);
		});
		return dataLoss!;
	};
}

/**
 * Batch losses are read back this many at a time. Reading a loss waits for the device: on webgl
 * and webgpu that stalls the queue once per batch; on wasm and cpu a read is only a copy. The
 * epoch's loss is the same sum in the same batch order; a diverged batch stops the run at most
 * this many batches later, with the same message (it names the epoch).
 */
export const LOSS_READ_EVERY = 8;

function gather(x: Float32Array, width: number, rows: ArrayLike<number>, out: Float32Array): void {
	for (let i = 0; i < rows.length; i++) out.set(x.subarray(rows[i] * width, (rows[i] + 1) * width), i * width);
}

export interface LoopData {
	train: EncodedPart;
	validation: EncodedPart;
	width: number;
	classes: number;
	target: TargetTransform;
}

export interface LoopHooks {
	emit: (event: JobEvent) => void;
	signal?: AbortSignal;
	progressInterval: number;
	/** Maps the loop's own progress (0–1) to the job's (folds come before the final model). */
	fraction: (own: number) => number;
	/** Per-epoch metric events go to the job's curve (the final model's only). */
	curves: boolean;
	checkpointInterval: number;
	/** Also a checkpoint after the last epoch (a search trial continues from it when promoted). */
	checkpointAtEnd?: boolean;
	onCheckpoint?: (checkpoint: TrainCheckpoint) => Promise<void> | void;
	resume?: TrainCheckpoint;
}

export interface LoopResult {
	/** The trained model with the best (or last) weights; the caller disposes it. */
	model: tfl.LayersModel;
	history: EpochRecord[];
	bestEpoch: number;
	lastEpoch: number;
	stoppedEarly: boolean;
	trainingMs: number;
}

/**
 * The epoch loop: seeded initialisation and shuffles, so the same data, config and backend give
 * the same weights. Validation rows drive the curves and early stopping. Class weights, when the
 * training part carries them, weight each row's loss.
 */
export async function trainLoop(data: LoopData, config: TrainConfig, hooks: LoopHooks): Promise<LoopResult> {
	const { train, validation, width, classes, target } = data;
	const shape = { kind: config.model, inputSize: width, outputSize: classes, hiddenLayers: config.hiddenLayers, seed: config.seed, mlp: config.mlp };
	let model: tfl.LayersModel = buildModel(shape);
	const options = resolveMlpOptions(config.mlp);
	// Runs without the newer options keep the exact path (and so the weights) they always had.
	const plain = isPlainMlp(config.mlp);
	const optimizer = plain ? tf.train.adam(config.learningRate) : makeOptimizer(options, config.learningRate);
	const weighted = train.weights;
	const step = plain && !weighted ? makeTrainStep(model, optimizer, config.task, classes, config.l2) : null;
	const weightedStep = plain && weighted ? makeWeightedTrainStep(model, optimizer, config.task, classes, config.l2) : null;
	const optionsStep = plain ? null : makeMlpStep(model, optimizer, { task: config.task, classes, l2: config.l2, learningRate: config.learningRate, seed: config.seed, options });
	const rng = createRng(config.seed);
	const order = Int32Array.from({ length: train.rows.length }, (_, i) => i);
	const batches = Math.ceil(order.length / config.batchSize);
	const xBatch = new Float32Array(config.batchSize * width);
	const history: EpochRecord[] = [];
	const trivial = trivialLoss(config.task, classes);
	const metricName = metricNameFor(config.task);
	const scoring = { target };
	let lastProgress = -Infinity;
	// Turns for the worker's task queue (IndexedDB events, messages) while it trains: yield-task.ts.
	const breathe = yielder();
	let lastCheckpoint = performance.now();
	let trainingMs = 0;
	let stoppedEarly = false;
	let tracker = new BestWeightsTracker(config.patience);
	let disposeModel = true;
	try {
		const resume = hooks.resume;
		let epoch = 1;
		if (resume) {
			if (resume.epoch >= config.epochs) throw new KilnError('TrainingError', `The checkpoint is at epoch ${resume.epoch}, but the run only has ${config.epochs} epochs.`);
			await restoreCheckpoint(model, optimizer, resume);
			// Replaying the seeded shuffles puts the batch order exactly where the run stopped.
			for (let e = 1; e <= resume.epoch; e++) shuffleInPlace(order, rng);
			history.push(...resume.history);
			trainingMs = resume.trainingMs;
			epoch = resume.epoch + 1;
			tracker = new BestWeightsTracker(config.patience, resume.best);
			hooks.emit({ type: 'log', message: `Resumed from the checkpoint after epoch ${resume.epoch}.` });
		}
		for (; epoch <= config.epochs; epoch++) {
			const epochStart = performance.now();
			shuffleInPlace(order, rng);
			let lossSum = 0;
			// Batch losses are read back in groups (see LOSS_READ_EVERY), summed in batch order.
			const pending: { loss: tf.Scalar; rows: number }[] = [];
			const readLosses = async () => {
				const values = await Promise.all(pending.map((p) => p.loss.data()));
				const read = pending.splice(0);
				tf.dispose(read.map((p) => p.loss));
				for (const [i, { rows }] of read.entries()) {
					const loss = values[i][0];
					const diverged = divergence(loss, trivial, 'batch', epoch, config.learningRate);
					if (diverged) throw new KilnError('DivergedError', diverged);
					lossSum += loss * rows;
				}
			};
			try {
				for (let b = 0; b < batches; b++) {
					if (hooks.signal?.aborted) throw new KilnError('AbortError', 'Training was cancelled.');
					const idx = order.subarray(b * config.batchSize, Math.min((b + 1) * config.batchSize, order.length));
					const n = idx.length;
					gather(train.x, width, idx, xBatch);
					const labels = Array.from(idx, (i) => train.y[i]);
					const rowWeights = weighted ? Array.from(idx, (i) => weighted[i]) : null;
					const lossTensor = optionsStep
						? optionsStep(xBatch.subarray(0, n * width), labels, rowWeights, { epoch, batch: b, batchesPerEpoch: batches, epochs: config.epochs })
						: weightedStep
							? weightedStep(xBatch.subarray(0, n * width), labels, rowWeights!)
							: step!(xBatch.subarray(0, n * width), labels);
					pending.push({ loss: lossTensor, rows: n });
					if (pending.length >= LOSS_READ_EVERY || b === batches - 1) {
						await readLosses();
						await breathe();
					}
					const now = performance.now();
					if (now - lastProgress >= hooks.progressInterval || b === batches - 1) {
						lastProgress = now;
						hooks.emit({ type: 'progress', fraction: hooks.fraction((epoch - 1 + (b + 1) / batches) / config.epochs), epoch, epochs: config.epochs, batch: b + 1, batches });
					}
				}
			} finally {
				tf.dispose(pending.map((p) => p.loss));
			}
			trainingMs += performance.now() - epochStart;
			const trainLoss = lossSum / order.length;
			const diverged = divergence(trainLoss, trivial, 'epoch', epoch, config.learningRate);
			if (diverged) throw new KilnError('DivergedError', diverged);
			const scores = validation.rows.length > 0 ? lossAndMetric(await forward(model, validation.x, validation.rows.length, width), validation.y, scoring) : { loss: NaN, metric: NaN };
			const record = { epoch, trainLoss, valLoss: scores.loss, valMetric: scores.metric };
			history.push(record);
			if (hooks.curves) hooks.emit({ type: 'metric', metricName, ...record });
			const stop = config.patience > 0 && (await tracker.observe(model, epoch, scores.loss));
			if (stop) {
				stoppedEarly = epoch < config.epochs;
				if (hooks.curves) hooks.emit({ type: 'log', message: `Early stopping after epoch ${epoch}: the validation loss has not improved for ${config.patience} epochs; keeping the weights of epoch ${tracker.best!.epoch}.` });
				break;
			}
			const due = epoch < config.epochs ? performance.now() - lastCheckpoint >= hooks.checkpointInterval : !!hooks.checkpointAtEnd;
			if (hooks.onCheckpoint && due) {
				const checkpoint = await captureCheckpoint(model, optimizer, epoch, history, trainingMs);
				await hooks.onCheckpoint({ ...checkpoint, best: tracker.best });
				lastCheckpoint = performance.now();
			}
		}
		const lastEpoch = Math.min(epoch, config.epochs);
		if (config.patience > 0) tracker.restore(model);
		// Stored and scored as plain Dense layers: dropout dropped, batch-norm folded in.
		const folded = foldForStorage(model, shape);
		if (folded !== model) {
			model.dispose();
			model = folded;
		}
		disposeModel = false;
		return { model, history, lastEpoch, stoppedEarly, trainingMs, bestEpoch: config.patience > 0 ? (tracker.best?.epoch ?? lastEpoch) : lastEpoch };
	} finally {
		if (disposeModel) model.dispose();
		optimizer.dispose();
	}
}
