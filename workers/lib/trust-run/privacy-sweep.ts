import { KilnError } from '$shared/errors';
import { withConfigDefaults } from '$shared/train-config';
import { metricNameFor, type Metrics, type PrivacySweepPoint, type PrivacySweepRequest, type PrivacySweepResult, type Table, type TrainConfig, type TrustProgress } from '$workers/protocol';
import { trainModel, validateConfig } from '$workers/lib/train';
import { trainPrivateModel } from '$workers/lib/trust/private-training';
import { sigmaFor } from '$workers/lib/trust/rdp';
import { prepareTraining } from '$workers/lib/train-data';
import type { Pipeline } from '$workers/lib/data/pipeline';

export const MAX_SWEEP_POINTS = 8;

/** q and the step count DP-SGD will use for this config: q = batch / training rows, round(1/q) steps an epoch (as trainDpSgd counts them). */
export function samplingOf(table: Table, config: TrainConfig, pipeline?: Pipeline): { q: number; steps: number; trainRows: number } {
	validateConfig(table, config, pipeline);
	// Through a pipeline its filters may drop rows: q is over the rows DP-SGD will actually sample.
	const trainRows = prepareTraining(table, config, undefined, pipeline).train.rows.length;
	if (config.batchSize > trainRows) throw new KilnError('PrivacyError', `The batch size (${config.batchSize}) is larger than the ${trainRows} training rows; lower it.`);
	const q = config.batchSize / trainRows;
	return { q, steps: config.epochs * Math.max(1, Math.round(1 / q)), trainRows };
}

/** σ for a target ε by the accountant's bisection, with the message a person can act on when no σ reaches it. */
export function solveSigma(target: number, { q, steps }: { q: number; steps: number }, delta: number): number {
	try {
		return sigmaFor(target, q, steps, delta);
	} catch (e) {
		throw new KilnError('PrivacyError', `No noise multiplier reaches ε = ${target} at δ = ${delta} over ${steps} steps at sampling rate ${q.toPrecision(3)}: ${e instanceof Error ? e.message : String(e)}`);
	}
}

/** The one holdout figure the plot shows: accuracy for classifiers, RMSE (original units) otherwise. */
export function headlineMetric(metrics: Metrics): number {
	return metrics.task === 'classification' ? metrics.accuracy : metrics.rmse;
}

/**
 * The privacy/accuracy trade-off of one config: it is trained without privacy once (the
 * reference) and with DP-SGD at each noise multiplier σ, every run on the same seeded split,
 * initial weights and seeded noise, so the curve is reproducible. Each point is its own full
 * training run scored once on the holdout; ε is what the accountant charged at δ for it. With a
 * Prepare pipeline every run (the reference too) fits it on the training rows and reads the data
 * through it, as a private run with it does.
 */
export async function privacySweep(
	table: Table,
	rawConfig: TrainConfig,
	request: Omit<PrivacySweepRequest, 'datasetId' | 'config' | 'pipelineId'>,
	options: { onProgress?: (p: TrustProgress) => void; signal?: AbortSignal; /** A recorded Prepare pipeline (absent: the built-in encoding). */ pipeline?: Pipeline } = {}
): Promise<PrivacySweepResult> {
	const started = performance.now();
	const progress = options.onProgress ?? (() => {});
	// DP-SGD trains every epoch it is given, so the reference does too: same epochs, no early stop.
	const config = { ...withConfigDefaults(rawConfig), patience: 0 };
	if (!(request.clipNorm > 0)) throw new KilnError('ValidationError', 'The clip norm C must be a number above 0.');
	if (!(request.delta > 0 && request.delta < 1)) throw new KilnError('ValidationError', 'δ must be between 0 and 1 (1e-5 is usual).');
	const byEpsilon = request.targetEpsilons !== undefined;
	const asked = [...new Set(byEpsilon ? request.targetEpsilons : (request.noiseMultipliers ?? []))].sort((a, b) => a - b);
	const what = byEpsilon ? 'target ε' : 'noise multiplier σ';
	if (asked.length === 0) throw new KilnError('ValidationError', `Give at least one ${what}.`);
	if (asked.length > MAX_SWEEP_POINTS) throw new KilnError('ValidationError', `At most ${MAX_SWEEP_POINTS} values of ${what} at once (each is a full training run).`);
	if (asked.some((s) => !(s > 0) || !Number.isFinite(s))) throw new KilnError('ValidationError', `Every ${what} must be a number above 0.`);
	const { pipeline } = options;
	const mechanism = samplingOf(table, config, pipeline);
	// A target ε becomes the smallest σ whose ε after exactly these steps is at most the target.
	const plan = asked.map((value) => (byEpsilon ? { target: value, sigma: solveSigma(value, mechanism, request.delta) } : { sigma: value }));
	const sigmas = plan.map((p) => p.sigma);
	const total = sigmas.length + 1;
	const part = (i: number, label: string) => (fraction: number) => progress({ fraction: (i + Math.min(1, Math.max(0, fraction))) / total, label });
	const aborted = () => {
		if (options.signal?.aborted) throw new KilnError('AbortError', 'The privacy trade-off was cancelled.');
	};

	const points: PrivacySweepPoint[] = [];
	for (const [i, { sigma, target }] of plan.entries()) {
		aborted();
		const onPoint = part(i, `DP-SGD at ${target === undefined ? '' : `ε = ${target}, `}σ = ${Number(sigma.toPrecision(4))} (${i + 1} of ${sigmas.length})`);
		onPoint(0);
		const run = await trainPrivateModel(table, config, { clipNorm: request.clipNorm, noiseMultiplier: sigma, delta: request.delta, secureNoise: false }, { signal: options.signal, pipeline, onEvent: (e) => e.type === 'progress' && onPoint(e.fraction) });
		points.push({ noiseMultiplier: sigma, ...(target === undefined ? {} : { targetEpsilon: target }), epsilon: run.privacy.epsilon, metric: headlineMetric(run.metrics), samplesPerSecond: run.samplesPerSecond });
	}
	// The reference trains last, once the backend is warm, so the speed ratio does not flatter DP-SGD.
	aborted();
	const onPlain = part(sigmas.length, 'Training without privacy (the reference)');
	onPlain(0);
	const plain = await trainModel(table, config, { signal: options.signal, pipeline, onEvent: (e) => e.type === 'progress' && onPlain(e.fraction) });
	progress({ fraction: 1, label: 'Done' });
	return {
		metricName: metricNameFor(config.task),
		clipNorm: request.clipNorm,
		delta: request.delta,
		epochs: config.epochs,
		batchSize: config.batchSize,
		model: config.model,
		seed: config.seed,
		trainRows: plain.trainRows,
		holdoutRows: plain.holdoutRows,
		by: byEpsilon ? 'epsilon' : 'sigma',
		sampleRate: mechanism.q,
		steps: mechanism.steps,
		baseline: { metric: headlineMetric(plain.metrics), samplesPerSecond: plain.samplesPerSecond },
		points,
		durationMs: performance.now() - started
	};
}
