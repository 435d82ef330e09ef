import type { PredictRuntime, RuntimePick, RuntimeTiming, VariantRow } from '$workers/protocol';
import { KilnError } from '$shared/errors';

/**
 * Choosing a model's prediction runtime from measurements. Pure: the worker times the
 * candidates (or reads the compression table) and this decides and describes.
 */

/** On a tie the model as trained wins: its attributions explain exactly what it computed. */
const PREFERENCE: PredictRuntime[] = ['tfjs', 'js', 'onnx'];

/** The fastest measured runtime; timings that are not finite positive numbers are ignored. */
export function pickRuntime(timings: RuntimeTiming[], at: number, modelId: string, source: RuntimePick['source'], repeats: number): RuntimePick {
	const usable = timings.filter((t) => Number.isFinite(t.ms) && t.ms >= 0);
	if (usable.length === 0) throw new KilnError('ValidationError', 'No runtime could be timed for this model, so none can be picked.');
	const sorted = [...usable].sort((a, b) => a.ms - b.ms || PREFERENCE.indexOf(a.runtime) - PREFERENCE.indexOf(b.runtime));
	return { runtime: sorted[0].runtime, timings: sorted, measuredAt: at, source, modelId, repeats };
}

/**
 * The compression table's original (float32) row, when it timed batch-1 in both tfjs and ONNX
 * Runtime: the pick without measuring again. Those figures are the model alone on encoded
 * features (no reading or encoding), the part where the runtimes differ.
 */
export function pickFromTradeoff(rows: readonly VariantRow[], at: number, modelId: string): RuntimePick | null {
	const original = rows.find((r) => r.id === 'float32');
	if (!original?.tfjs || !original.onnx) return null;
	const timings: RuntimeTiming[] = [
		{ runtime: 'tfjs', ms: original.tfjs.batch1Ms, backend: original.tfjs.backend },
		{ runtime: 'onnx', ms: original.onnx.batch1Ms, backend: original.onnx.backend }
	];
	if (!timings.every((t) => Number.isFinite(t.ms) && t.ms >= 0)) return null;
	return pickRuntime(timings, at, modelId, 'tradeoff', 0);
}

/** A stored pick still applies to this model and offers only runtimes it still has. */
export function pickStillValid(pick: RuntimePick | undefined, modelId: string, available: readonly PredictRuntime[]): pick is RuntimePick {
	return !!pick && pick.modelId === modelId && available.includes(pick.runtime);
}

/** Median of `repeats` timed calls per candidate after `warmup` each, interleaved so the machine's mood hits all alike. */
export async function timeCandidates(candidates: { runtime: PredictRuntime; backend: string; run: () => Promise<unknown> }[], warmup: number, repeats: number, now: () => number): Promise<RuntimeTiming[]> {
	for (const c of candidates) for (let i = 0; i < warmup; i++) await c.run();
	const times = candidates.map(() => [] as number[]);
	for (let i = 0; i < repeats; i++) {
		for (let k = 0; k < candidates.length; k++) {
			// Alternate the order each repeat so none always runs right after another's allocations.
			const c = i % 2 === 0 ? k : candidates.length - 1 - k;
			const start = now();
			await candidates[c].run();
			times[c].push(now() - start);
		}
	}
	return candidates.map((c, k) => ({ runtime: c.runtime, backend: c.backend, ms: median(times[k]) }));
}

export function median(values: readonly number[]): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
