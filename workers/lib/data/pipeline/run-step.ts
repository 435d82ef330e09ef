import { KilnError, isKind, type ErrorKind } from '$shared/errors';
import { mapToInt32, range } from './typed';

/** Row index maps through row-removing steps. */
export function identityRows(n: number): Int32Array {
	return range(n);
}

/** `rows` (indices before a step) → their indices after it; rows the step removed drop out. */
export function remapRows(rows: ArrayLike<number>, sourceRows: Int32Array, before: number): Int32Array {
	const after = new Int32Array(before).fill(-1);
	for (let j = 0; j < sourceRows.length; j++) after[sourceRows[j]] = j;
	const out: number[] = [];
	for (let i = 0; i < rows.length; i++) if (after[rows[i]] >= 0) out.push(after[rows[i]]);
	return Int32Array.from(out);
}

/** Input row of each output row after two steps: outer[inner[j]]. */
export function composeRows(outer: Int32Array, inner: Int32Array): Int32Array {
	return mapToInt32(inner, (j) => outer[j]);
}

const KINDS_KEPT: ErrorKind[] = ['ExpressionError', 'SchemaMismatchError', 'TrainingError', 'PipelineError'];

/** Runs one step, prefixing any error with which step failed so the editor can point at it. */
export function inStep<T>(label: string, run: () => T): T {
	try {
		return run();
	} catch (error) {
		const kind = KINDS_KEPT.find((k) => isKind(error, k)) ?? 'PipelineError';
		const message = error instanceof Error ? error.message : String(error);
		throw new KilnError(kind, `${label}: ${message}`);
	}
}
