import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { KilnError } from '$shared/errors';
import type { ImageAttackExamples, RobustnessRequest, RobustnessResult } from '$workers/protocol';
import { attack } from '$workers/lib/trust/adversarial';
import { toFloatImages } from '$workers/lib/vision/evaluate';
import type { ImageShape } from '$workers/lib/vision/types';
import { accuracyOverEpsilon, type Attacked, type AttackAt } from './epsilon-curve';
import type { AuditOptions } from './fairness-run';

/** Most held-out images one curve attacks: PGD costs (steps + 1) forward and backward passes per image and ε. */
export const MAX_ATTACK_IMAGES = 500;
/** Images per attack call: progress and Cancel are checked between them, and memory stays bounded. */
const CHUNK = 50;

/** The held-out images of an image run, as stored (uint8 NHWC), with their labels and dataset rows. */
export interface HeldOutImages {
	pixels: Uint8Array;
	labels: Int32Array;
	/** Row of each image in the dataset (0-based). */
	rows: Int32Array;
	classes: string[];
	shape: ImageShape;
}

type ImageRequest = Pick<RobustnessRequest, 'norm' | 'attack' | 'epsilons' | 'steps' | 'seed' | 'examples'>;

async function predictClasses(model: tfl.LayersModel, x: Float32Array, shape: ImageShape): Promise<Int32Array> {
	const size = shape.height * shape.width * shape.channels;
	const count = x.length / size;
	const out = new Int32Array(count);
	for (let start = 0; start < count; start += 256) {
		const n = Math.min(256, count - start);
		const best = tf.tidy(() => tf.argMax(model.predict(tf.tensor4d(x.subarray(start * size, (start + n) * size), [n, shape.height, shape.width, shape.channels])) as tf.Tensor, 1));
		out.set(await best.data<'int32'>(), start);
		best.dispose();
	}
	return out;
}

/** Per-row L∞ and L2 of adversarial − original. */
export function perturbationNorms(original: Float32Array, adversarial: Float32Array, size: number): { linf: Float32Array; l2: Float32Array } {
	const rows = original.length / size;
	const linf = new Float32Array(rows);
	const l2 = new Float32Array(rows);
	for (let r = 0; r < rows; r++) {
		let max = 0;
		let sq = 0;
		for (let k = r * size; k < (r + 1) * size; k++) {
			const d = Math.abs(adversarial[k] - original[k]);
			if (d > max) max = d;
			sq += d * d;
		}
		linf[r] = max;
		l2[r] = Math.sqrt(sq);
	}
	return { linf, l2 };
}

function check(request: ImageRequest, epsilons: number[], model: tfl.LayersModel, images: HeldOutImages): void {
	const bad = (message: string): never => {
		throw new KilnError('ValidationError', message);
	};
	if (epsilons.some((e) => !(e >= 0) || !Number.isFinite(e))) bad('Every ε must be a number of at least 0.');
	if (epsilons.length > 20) bad('At most 20 values of ε at once.');
	// On the [0, 1] pixel scale an L∞ ball of radius 1 already holds every image.
	if (request.norm === 'linf' && epsilons.some((e) => e > 1)) bad('For images, L∞ ε is a share of the full pixel range (0 to 1); give values up to 1 (8/255 ≈ 0.031 is a common budget).');
	const { height, width, channels } = images.shape;
	const [, h, w, c] = model.inputs[0].shape;
	if (h !== height || w !== width || c !== channels) bad(`The model takes ${h}×${w}×${c} images; the held-out images are ${height}×${width}×${channels}.`);
	if (images.labels.length === 0) bad('This run has no held-out images to attack.');
	if (images.pixels.length !== images.labels.length * height * width * channels) bad(`The held-out pixels (${images.pixels.length} values) do not match ${images.labels.length} images of ${height}×${width}×${channels}.`);
}

/**
 * Accuracy of an image classifier on held-out images under FGSM or PGD (L∞ or L2) at each ε
 * (ascending; ε = 0 is clean), with ε on the [0, 1] pixel scale the model reads and every
 * perturbed image clipped to [0, 1]. The largest perturbation actually made at each ε is measured
 * and returned, and a few attacked images come back beside their originals (uint8, for display;
 * accuracy is measured on the unrounded images).
 */
export async function imageRobustness(model: tfl.LayersModel, images: HeldOutImages, request: ImageRequest, options: AuditOptions = {}): Promise<Omit<RobustnessResult, 'durationMs'>> {
	const progress = options.onProgress ?? (() => {});
	const epsilons = [...new Set([0, ...request.epsilons])].sort((a, b) => a - b);
	check(request, epsilons, model, images);
	const { shape, labels: y, classes } = images;
	const size = shape.height * shape.width * shape.channels;
	const n = y.length;
	const x = toFloatImages(images.pixels);
	const steps = request.attack === 'fgsm' ? 0 : (request.steps ?? 10);
	const seed = request.seed ?? 0;
	const clean = await predictClasses(model, x, shape);
	const attackAt: AttackAt = async (epsilon, i) => {
		const adversarial = new Float32Array(x.length);
		for (let start = 0; start < n; start += CHUNK) {
			if (options.signal?.aborted) throw new KilnError('AbortError', 'The robustness curve was cancelled.');
			progress({ fraction: (i + start / n) / epsilons.length, label: `${request.attack.toUpperCase()} at ε = ${epsilon}: image ${start + 1} of ${n}` });
			const end = Math.min(n, start + CHUNK);
			const part = await attack(model, x.subarray(start * size, end * size), y.subarray(start, end), { epsilon, norm: request.norm, steps, seed: seed + start, box: { min: 0, max: 1 }, batchSize: CHUNK, signal: options.signal });
			adversarial.set(part, start * size);
		}
		const norms = perturbationNorms(x, adversarial, size);
		return { epsilon, adversarial, predicted: await predictClasses(model, adversarial, shape), extra: { maxLinf: Math.max(...norms.linf), maxL2: Math.max(...norms.l2) } };
	};
	const curve = await accuracyOverEpsilon(epsilons, y, clean, attackAt, { signal: options.signal, cleanExtra: { maxLinf: 0, maxL2: 0 } });
	const example = curve.example;
	progress({ fraction: 1, label: 'Done' });
	return {
		norm: request.norm,
		attack: request.attack,
		steps,
		clean: curve.clean,
		points: curve.points,
		exampleEpsilon: example?.epsilon ?? 0,
		examples: [],
		...(example ? { images: pickImages(example, x, images, clean, request.examples ?? 6) } : {}),
		holdoutRows: n
	};
}

function pickImages(ex: Attacked, x: Float32Array, images: HeldOutImages, clean: Int32Array, count: number): ImageAttackExamples {
	const { labels: y, classes, shape } = images;
	const size = shape.height * shape.width * shape.channels;
	// Right answers the attack turned wrong first, then other changed answers, then the rest.
	const rank = (i: number) => (clean[i] === y[i] && ex.predicted[i] !== y[i] ? 0 : ex.predicted[i] !== clean[i] ? 1 : 2);
	const order = Array.from(y, (_, i) => i).sort((a, b) => rank(a) - rank(b) || a - b).slice(0, count);
	const before = new Uint8Array(order.length * size);
	const after = new Uint8Array(order.length * size);
	const examples = order.map((i, k) => {
		before.set(images.pixels.subarray(i * size, (i + 1) * size), k * size);
		for (let j = 0; j < size; j++) after[k * size + j] = Math.round(Math.min(1, Math.max(0, ex.adversarial[i * size + j])) * 255);
		const norms = perturbationNorms(x.subarray(i * size, (i + 1) * size), ex.adversarial.subarray(i * size, (i + 1) * size), size);
		return { row: images.rows[i] + 1, label: classes[y[i]], predictedBefore: classes[clean[i]], predictedAfter: classes[ex.predicted[i]], linf: norms.linf[0], l2: norms.l2[0] };
	});
	return { ...shape, examples, before, after };
}
