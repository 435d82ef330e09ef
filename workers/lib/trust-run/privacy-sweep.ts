import { KilnError } from '$shared/errors';
import { withConfigDefaults } from '$shared/train-config';
import { metricNameFor, type Metrics, type PrivacySweepPoint, type PrivacySweepRequest, type PrivacySweepResult, type Table, type TrainConfig, type TrustProgress } from '$workers/protocol';
import { trainModel } from '$workers/lib/train';
import { trainPrivateModel } from '$workers/lib/trust/private-training';

export const MAX_SWEEP_POINTS = 8;

/** The one holdout figure the plot shows: accuracy for classifiers, RMSE (original units) otherwise. */
export function headlineMetric(metrics: Metrics): number {
	return metrics.task === 'classification' ? metrics.accuracy : metrics.rmse;
}

/**
 * The privacy/accuracy trade-off of one config: it is trained without privacy once (the
 * reference) and with DP-SGD at each noise multiplier σ, every run on the same seeded split,
 * initial weights and seeded noise, so the curve is reproducible. Each point is its own full
 * training run scored once on the holdout; ε is what the accountant charged at δ for it.
 */
export async function privacySweep(table: Table, rawConfig: TrainConfig, request: Omit<PrivacySweepRequest, 'datasetId' | 'config'>, options: { onProgress?: (p: TrustProgress) => void; signal?: AbortSignal } = {}): Promise<PrivacySweepResult> {
	const started = performance.now();
	const progress = options.onProgress ?? (() => {});
	// DP-SGD trains every epoch it is given, so the reference does too: same epochs, no early stop.
	const config = { ...withConfigDefaults(rawConfig), patience: 0 };
	const sigmas = [...new Set(request.noiseMultipliers)].sort((a, b) => a - b);
	if (sigmas.length === 0) throw new KilnError('ValidationError', 'Give at least one noise multiplier σ.');
	if (sigmas.length > MAX_SWEEP_POINTS) throw new KilnError('ValidationError', `At most ${MAX_SWEEP_POINTS} noise multipliers at once (each is a full training run).`);
	if (sigmas.some((s) => !(s > 0) || !Number.isFinite(s))) throw new KilnError('ValidationError', 'Every noise multiplier σ must be a number above 0.');
	if (!(request.clipNorm > 0)) throw new KilnError('ValidationError', 'The clip norm C must be a number above 0.');
	if (!(request.delta > 0 && request.delta < 1)) throw new KilnError('ValidationError', 'δ must be between 0 and 1 (1e-5 is usual).');
	const total = sigmas.length + 1;
	const part = (i: number, label: string) => (fraction: number) => progress({ fraction: (i + Math.min(1, Math.max(0, fraction))) / total, label });
	const aborted = () => {
		if (options.signal?.aborted) throw new KilnError('AbortError', 'The privacy trade-off was cancelled.');
	};

	const points: PrivacySweepPoint[] = [];
	for (const [i, sigma] of sigmas.entries()) {
		aborted();
		const onPoint = part(i, `DP-SGD at σ = ${sigma} (${i + 1} of ${sigmas.length})`);
		onPoint(0);
		const run = await trainPrivateModel(table, config, { clipNorm: request.clipNorm, noiseMultiplier: sigma, delta: request.delta, secureNoise: false }, { signal: options.signal, onEvent: (e) => e.type === 'progress' && onPoint(e.fraction) });
		points.push({ noiseMultiplier: sigma, epsilon: run.privacy.epsilon, metric: headlineMetric(run.metrics), samplesPerSecond: run.samplesPerSecond });
	}
	// The reference trains last, once the backend is warm, so the speed ratio does not flatter DP-SGD.
	aborted();
	const onPlain = part(sigmas.length, 'Training without privacy (the reference)');
	onPlain(0);
	const plain = await trainModel(table, config, { signal: options.signal, onEvent: (e) => e.type === 'progress' && onPlain(e.fraction) });
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
		baseline: { metric: headlineMetric(plain.metrics), samplesPerSecond: plain.samplesPerSecond },
		points,
		durationMs: performance.now() - started
	};
}
