import { KilnError } from '$shared/errors';
import { withConfigDefaults } from '$shared/train-config';
import type { LabelCheckResult, Table, TrainConfig, TrustProgress } from '$workers/protocol';
import { prepareTraining } from '$workers/lib/train-data';
import { findSuspectLabels } from '$workers/lib/trust/poisoning';
import type { Pipeline } from '$workers/lib/data/pipeline';

/** Most rows listed for review: the check is a worklist, not a verdict. */
const MAX_LISTED = 200;

/**
 * Training rows whose labels look flipped: each is scored by a logistic model fitted on the other
 * folds (encoded as the run would encode them), and listed when that model prefers another class or
 * the row's loss is an outlier. Row numbers count data rows from 1, as the Data page shows them.
 */
export async function checkLabels(table: Table, rawConfig: TrainConfig, options: { folds?: number; seed?: number; onProgress?: (p: TrustProgress) => void; signal?: AbortSignal; /** A recorded Prepare pipeline: rows are encoded (and filtered) as a run with it would see them. */ pipeline?: Pipeline } = {}): Promise<LabelCheckResult> {
	const started = performance.now();
	const config = withConfigDefaults(rawConfig);
	if (config.task !== 'classification') throw new KilnError('ValidationError', 'The label check looks for rows whose class looks wrong, so it needs a classification target.');
	const data = prepareTraining(table, config, undefined, options.pipeline);
	const target = data.target;
	if (target.task !== 'classification') throw new KilnError('ValidationError', 'The label check needs a classification target.');
	const folds = Math.min(options.folds ?? 5, data.train.rows.length);
	options.onProgress?.({ fraction: 0.1, label: `Fitting ${folds} out-of-fold models on ${data.train.rows.length} training rows` });
	const report = await findSuspectLabels(data.train.x, data.train.y, data.width, data.classes, { folds, seed: options.seed ?? config.seed, signal: options.signal });
	let correct = 0;
	for (let i = 0; i < data.train.rows.length; i++) {
		const p = report.outOfFold.subarray(i * data.classes, (i + 1) * data.classes);
		let best = 0;
		for (let c = 1; c < data.classes; c++) if (p[c] > p[best]) best = c;
		if (best === data.train.y[i]) correct++;
	}
	options.onProgress?.({ fraction: 1, label: 'Done' });
	return {
		trainRows: data.train.rows.length,
		folds: report.folds,
		suspects: report.suspects.slice(0, MAX_LISTED).map((s) => ({
			...s,
			row: s.row,
			rowNumber: data.train.rows[s.row] + 1,
			label: target.classes[s.label],
			predicted: target.classes[s.predicted],
			// The library names classes by index; the person knows them by name.
			reasons: s.reasons.map((r) => r.replace(/class (\d+)/g, (_, c: string) => `“${target.classes[Number(c)]}”`))
		})),
		outOfFoldAccuracy: correct / data.train.rows.length,
		durationMs: performance.now() - started
	};
}
