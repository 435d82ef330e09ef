import { assertNotEditedSince, getDataset, getModel, getRun, imageMeta, readImageLabels, readImageRows } from '$lib/db';
import { KilnError } from '$shared/errors';
import { registerWasmKernels } from '../lib/kernels/register';
import { deserializeModel } from '../lib/model';
import { createRng } from '../lib/random';
import { imageRobustness, MAX_ATTACK_IMAGES } from '../lib/trust-run/image-robustness';
import type { RobustnessRequest, RobustnessResult, TrustProgress } from '../protocol';
import { ensureBackend } from './backend';
import { imageSplit } from './vision-split';

/** A seeded sample of at most `max` held-out rows, in row order, so a large holdout keeps its class mix. */
function sampleRows(rows: Int32Array, max: number, seed: number): Int32Array {
	if (rows.length <= max) return rows;
	const rng = createRng(seed);
	const pool = Array.from(rows);
	for (let i = pool.length - 1; i > 0; i--) {
		const j = Math.floor(rng() * (i + 1));
		[pool[i], pool[j]] = [pool[j], pool[i]];
	}
	return Int32Array.from(pool.slice(0, max).sort((a, b) => a - b));
}

/** FGSM/PGD on an image run's held-out images (its split replayed from its seed), ε on the [0, 1] pixel scale. */
export async function imageRobustnessOfRun({ datasetId, modelId, config, ...request }: RobustnessRequest, onProgress: (p: TrustProgress) => void): Promise<RobustnessResult> {
	const started = performance.now();
	const vision = config.vision;
	if (!vision) throw new KilnError('ValidationError', 'This run has no image settings.');
	const { backend } = await ensureBackend();
	// wasm lacks some conv gradients; Kiln's kernels fill them in (as for training).
	if (backend === 'wasm') registerWasmKernels();
	onProgress({ fraction: 0, label: 'Reading the held-out images…' });
	const [record, stored, run] = await Promise.all([getDataset(datasetId), getModel(modelId), getRun(request.runId)]);
	assertNotEditedSince(record, run.createdAt, 'a robustness curve on them');
	const meta = imageMeta(record);
	const labels = await readImageLabels(record);
	const { holdout } = imageSplit(labels, meta.classes.length, { seed: config.seed, holdoutFraction: config.holdoutFraction, testStart: meta.testStart, maxTrain: vision.maxTrainImages });
	const rows = sampleRows(holdout, MAX_ATTACK_IMAGES, config.seed);
	const { pixels } = await readImageRows(record, rows);
	const model = await deserializeModel(stored.artifacts);
	try {
		const result = await imageRobustness(model, { pixels, labels: Int32Array.from(rows, (r) => labels[r]), rows, classes: meta.classes, shape: { height: meta.height, width: meta.width, channels: meta.channels } }, { ...request, seed: request.seed ?? config.seed }, { onProgress });
		return { ...result, ...(holdout.length > rows.length ? { sampledFrom: holdout.length } : {}), durationMs: performance.now() - started };
	} finally {
		model.dispose();
	}
}
