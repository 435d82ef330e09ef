import { KilnError } from '$shared/errors';
import { withConfigDefaults } from '$shared/train-config';
import type { RobustnessExample, RobustnessRequest, RobustnessResult, Table, TrainConfig } from '$workers/protocol';
import type { FeatureGroup } from '$workers/lib/evaluate/groups';
import { forward } from '$workers/lib/model';
import { openRunModel } from '$workers/lib/run-model';
import { attack, boxFromData } from '$workers/lib/trust/adversarial';
import { argmaxFlat, classesOf, decodeGroups } from './run-data';
import { accuracyOverEpsilon, type AttackAt } from './epsilon-curve';
import type { AuditOptions, StoredModel } from './fairness-run';

export const DEFAULT_EPSILONS = { linf: [0, 0.05, 0.1, 0.2, 0.3, 0.5], l2: [0, 0.25, 0.5, 1, 1.5, 2, 3] } as const;

/**
 * Accuracy of a finished run's model on its holdout rows under FGSM or PGD at each ε (ascending;
 * ε = 0 is the clean accuracy), in the model's encoded space (the built-in encoding's standardised
 * numbers and one-hot columns, or a pipeline's own encodings), all kept inside the range the
 * training rows span. Needs a network: the attacks follow its gradients. A few attacked rows are shown beside their
 * originals in the data's own units.
 */
export async function robustnessOfRun(table: Table, rawConfig: TrainConfig, stored: StoredModel, request: Omit<RobustnessRequest, 'runId' | 'datasetId' | 'modelId' | 'config'>, options: AuditOptions = {}): Promise<RobustnessResult> {
	const started = performance.now();
	const progress = options.onProgress ?? (() => {});
	const config = withConfigDefaults(rawConfig);
	const epsilons = [...new Set([0, ...request.epsilons])].sort((a, b) => a - b);
	if (epsilons.some((e) => !(e >= 0) || !Number.isFinite(e))) throw new KilnError('ValidationError', 'Every ε must be a number of at least 0.');
	if (epsilons.length > 20) throw new KilnError('ValidationError', 'At most 20 values of ε at once.');
	const run = await openRunModel(table, config, stored);
	const model = run.network;
	if (!model) {
		run.dispose();
		throw new KilnError('ValidationError', `The robustness test attacks a network through its gradients; this run is a ${run.family} model, which has none. Audit a neural network or linear-layer run instead.`);
	}
	try {
		const classes = classesOf(run.target, 'A robustness curve');
		// Rows whose class the model never saw (y = −1) cannot be attacked towards or away from it.
		const input = run.parts.holdout;
		const keep = Array.from(input.y, (v, i) => (v >= 0 ? i : -1)).filter((i) => i >= 0);
		if (keep.length === 0) throw new KilnError('ValidationError', 'This run has no holdout rows to attack.');
		const width = run.width;
		const x = new Float32Array(keep.length * width);
		keep.forEach((r, i) => x.set(input.x.subarray(r * width, (r + 1) * width), i * width));
		const y = Int32Array.from(keep, (r) => input.y[r]);
		const rows = Int32Array.from(keep, (r) => input.rows[r]);
		const box = boxFromData(run.parts.train.x, width);
		const steps = request.attack === 'fgsm' ? 0 : (request.steps ?? 10);
		const predict = async (v: Float32Array) => argmaxFlat(await forward(model, v, y.length, width), classes.length);
		const clean = await predict(x);
		const seed = request.seed ?? config.seed;
		const attackAt: AttackAt = async (epsilon) => {
			const adversarial = await attack(model, x, y, { epsilon, norm: request.norm, steps, seed, box, signal: options.signal });
			return { epsilon, adversarial, predicted: await predict(adversarial) };
		};
		const onEpsilon = (i: number, epsilon: number) => progress({ fraction: i / epsilons.length, label: `${request.attack.toUpperCase()} at ε = ${epsilon}` });
		const curve = await accuracyOverEpsilon(epsilons, y, clean, attackAt, { signal: options.signal, onEpsilon });
		const example = curve.example;
		progress({ fraction: 1, label: 'Done' });
		return {
			norm: request.norm,
			attack: request.attack,
			steps,
			clean: curve.clean,
			points: curve.points,
			exampleEpsilon: example?.epsilon ?? 0,
			examples: example ? pickExamples(example, x, y, clean, rows, width, classes, run.groups, request.examples ?? 5) : [],
			holdoutRows: y.length,
			durationMs: performance.now() - started
		};
	} finally {
		run.dispose();
	}
}

function pickExamples(
	ex: { adversarial: Float32Array; predicted: Int32Array },
	x: Float32Array,
	y: Int32Array,
	clean: Int32Array,
	rows: Int32Array,
	width: number,
	classes: string[],
	groups: FeatureGroup[],
	count: number
): RobustnessExample[] {
	const order = Array.from(y, (_, i) => i);
	// Right answers the attack turned wrong first, then any other row.
	const rank = (i: number) => (clean[i] === y[i] && ex.predicted[i] !== y[i] ? 0 : ex.predicted[i] !== clean[i] ? 1 : 2);
	order.sort((a, b) => rank(a) - rank(b) || a - b);
	return order.slice(0, count).map((i) => ({
		row: rows[i] + 1,
		label: classes[y[i]],
		predictedBefore: classes[clean[i]],
		predictedAfter: classes[ex.predicted[i]],
		features: decodeGroups(groups, x.subarray(i * width, (i + 1) * width), ex.adversarial.subarray(i * width, (i + 1) * width))
	}));
}
