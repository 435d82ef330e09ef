import { KilnError } from '$shared/errors';
import type { RobustnessResult } from '$workers/protocol';

type Point = RobustnessResult['points'][number];

export interface Attacked {
	epsilon: number;
	adversarial: Float32Array;
	predicted: Int32Array;
}

/** What one ε's attack gave: the attacked inputs, their predicted classes, and any extra figures for its point. */
export type AttackAt = (epsilon: number, index: number) => Promise<Attacked & { extra?: Omit<Point, 'epsilon' | 'accuracy'> }>;

/**
 * Accuracy at each ε for tabular and image runs alike. The examples are taken at the smallest ε
 * that turns a right answer wrong; failing that, at the largest ε.
 */
export async function accuracyOverEpsilon(
	epsilons: number[],
	y: Int32Array,
	clean: Int32Array,
	attackAt: AttackAt,
	options: { signal?: AbortSignal; onEpsilon?: (index: number, epsilon: number) => void; cleanExtra?: Omit<Point, 'epsilon' | 'accuracy'> } = {}
): Promise<{ points: Point[]; example: Attacked | null; clean: number }> {
	const accuracy = (p: Int32Array) => p.reduce((s, c, i) => s + (c === y[i] ? 1 : 0), 0) / y.length;
	const points: Point[] = [];
	let firstFlip: Attacked | null = null;
	let last: Attacked | null = null;
	for (const [i, epsilon] of epsilons.entries()) {
		if (options.signal?.aborted) throw new KilnError('AbortError', 'The robustness curve was cancelled.');
		options.onEpsilon?.(i, epsilon);
		if (epsilon === 0) {
			points.push({ epsilon, accuracy: accuracy(clean), ...options.cleanExtra });
			continue;
		}
		const { extra, ...attacked } = await attackAt(epsilon, i);
		points.push({ epsilon, accuracy: accuracy(attacked.predicted), ...extra });
		last = attacked;
		if (!firstFlip && attacked.predicted.some((c, r) => c !== y[r] && clean[r] === y[r])) firstFlip = last;
	}
	return { points, example: firstFlip ?? last, clean: accuracy(clean) };
}
