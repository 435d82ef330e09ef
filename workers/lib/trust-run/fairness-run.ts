import { KilnError } from '$shared/errors';
import { withConfigDefaults } from '$shared/train-config';
import type { FairnessOutcome, FairnessRequest, FairnessResult, Table, TrainConfig, TrustProgress } from '$workers/protocol';
import { openRunModel, type RunModel, type StoredRun } from '$workers/lib/run-model';
import type { EncodedPart } from '$workers/lib/train-encode';
import { auditFairness, fairnessReport, groupKeys } from '$workers/lib/trust/fairness';
import { applyGroupThresholds, groupThresholds } from '$workers/lib/trust/fairness-mitigation';
import type { SensitiveColumn } from '$workers/lib/trust/types';
import { argmaxFlat, classesOf, sensitiveValues } from './run-data';

/** A stored run's model: either encoding, a network or a classic family (the audit only needs predictions). */
export type StoredModel = StoredRun;

export interface AuditOptions {
	onProgress?: (progress: TrustProgress) => void;
	signal?: AbortSignal;
}

interface Scored {
	truth: Uint8Array;
	/** Probability of the positive class. */
	scores: Float32Array;
	/** The model's own decision (argmax), as "positive or not". */
	predicted: Uint8Array;
	sensitive: SensitiveColumn[];
}

/** The model's scores on one part of the run's split, as the binary "positive class or not" the audit needs. */
async function score(run: RunModel, table: Table, part: EncodedPart, positive: number, sensitive: string[]): Promise<Scored> {
	const k = run.outputs;
	const rows = part.rows;
	const probs = await run.predict(part.x, rows.length);
	const best = argmaxFlat(probs, k);
	return {
		truth: Uint8Array.from(part.y, (v) => (v === positive ? 1 : 0)),
		scores: Float32Array.from({ length: rows.length }, (_, i) => probs[i * k + positive]),
		predicted: Uint8Array.from(best, (c) => (c === positive ? 1 : 0)),
		sensitive: sensitiveValues(table, sensitive, rows)
	};
}

function outcome(s: Scored, predicted: ArrayLike<number>, objective: FairnessRequest['objective'], minGroupSize: number): FairnessOutcome {
	let correct = 0;
	for (let i = 0; i < s.truth.length; i++) if (s.truth[i] === predicted[i]) correct++;
	// The groups thresholds act on: every combination of the sensitive columns.
	const d = fairnessReport(s.truth, predicted, s.sensitive, minGroupSize).disparities;
	return {
		accuracy: correct / s.truth.length,
		disparity: objective === 'demographic_parity' ? d.demographicParityDifference : d.equalizedOddsDifference,
		demographicParityDifference: d.demographicParityDifference,
		equalizedOddsDifference: d.equalizedOddsDifference
	};
}

/**
 * A fairness audit of a finished run on the holdout rows its final score used (the split is
 * replayed from its config), and per-group thresholds fitted on the validation rows' scores —
 * rows the model never trained on — then judged on the holdout.
 */
export async function auditRunFairness(table: Table, rawConfig: TrainConfig, model: StoredModel, request: FairnessAuditRequest, options: AuditOptions = {}): Promise<FairnessResult> {
	const config = withConfigDefaults(rawConfig);
	const run = await openRunModel(table, config, model);
	try {
		return await auditOpened(run, table, config, request, options);
	} finally {
		run.dispose();
	}
}

type FairnessAuditRequest = Omit<FairnessRequest, 'runId' | 'datasetId' | 'modelId' | 'config'>;

async function auditOpened(run: RunModel, table: Table, config: TrainConfig, request: FairnessAuditRequest, options: AuditOptions): Promise<FairnessResult> {
	const started = performance.now();
	const progress = options.onProgress ?? (() => {});
	const classes = classesOf(run.target, 'A fairness audit');
	const positive = classes.indexOf(request.positiveClass);
	if (positive < 0) throw new KilnError('ValidationError', `"${request.positiveClass}" is not one of the model's classes (${classes.join(', ')}).`);
	if (request.sensitive.length === 0) throw new KilnError('ValidationError', 'Choose at least one sensitive column to audit.');
	if (request.sensitive.includes(config.target)) throw new KilnError('ValidationError', `The target "${config.target}" cannot be a sensitive column.`);
	const minGroupSize = request.minGroupSize ?? 20;
	const split = { holdout: run.parts.holdout.rows, validation: run.parts.validation.rows };
	if (split.holdout.length === 0) throw new KilnError('ValidationError', 'This run has no holdout rows to audit.');
	progress({ fraction: 0.1, label: 'Scoring the holdout rows' });
	const holdout = await score(run, table, run.parts.holdout, positive, request.sensitive);
	if (options.signal?.aborted) throw new KilnError('AbortError', 'The audit was cancelled.');
	const audit = auditFairness({ truth: holdout.truth, predicted: holdout.predicted, sensitive: holdout.sensitive, minGroupSize });
	const baseline = outcome(holdout, holdout.predicted, request.objective, minGroupSize);

	let thresholds: FairnessResult['thresholds'] = null;
	let thresholdsNote: string | undefined;
	if (split.validation.length === 0) {
		thresholdsNote = 'This run kept no validation rows, so per-group thresholds cannot be fitted on rows the model did not train on. Train with a validation share above 0 to use them.';
	} else {
		progress({ fraction: 0.5, label: 'Fitting per-group thresholds on the validation rows' });
		const validation = await score(run, table, run.parts.validation, positive, request.sensitive);
		const fit = groupThresholds({ truth: validation.truth, scores: validation.scores, groups: groupKeys(validation.sensitive), objective: request.objective });
		const decided = applyGroupThresholds(holdout.scores, groupKeys(holdout.sensitive), fit.thresholds);
		thresholds = {
			fit,
			validationRows: split.validation.length,
			holdout: outcome(holdout, decided, request.objective, minGroupSize),
			audit: auditFairness({ truth: holdout.truth, predicted: decided, sensitive: holdout.sensitive, minGroupSize })
		};
	}
	progress({ fraction: 1, label: 'Done' });
	return {
		sensitive: request.sensitive,
		positiveClass: request.positiveClass,
		objective: request.objective,
		holdoutRows: split.holdout.length,
		audit,
		baseline,
		thresholds,
		thresholdsNote,
		durationMs: performance.now() - started
	};
}
