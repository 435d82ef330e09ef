import type { ModelArtifacts } from '$workers/protocol';
import { readWeights } from './tfjs-weights';
import type { PruneStats, WeightStats } from './types';

/** Parameters and exact zeros of every weight in the artifacts (dequantised values if quantised). */
export function weightStats(artifacts: ModelArtifacts): PruneStats {
	const weights: WeightStats[] = readWeights(artifacts).map((w) => {
		let nonZero = 0;
		for (const v of w.values) if (v !== 0) nonZero++;
		const params = w.values.length;
		return { name: w.name, shape: w.shape, params, nonZero, sparsity: params > 0 ? 1 - nonZero / params : 0 };
	});
	const params = weights.reduce((n, w) => n + w.params, 0);
	const nonZero = weights.reduce((n, w) => n + w.nonZero, 0);
	return { params, nonZero, sparsity: params > 0 ? 1 - nonZero / params : 0, weights };
}
