import type { ModelArtifacts } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { readWeights, writeWeights } from '$workers/lib/ship/tfjs-weights';
import type { TextRunTopology } from '$workers/lib/text/text-run';

/**
 * A text run with the weights of a variant picked in its trade-off table (stored as tfjs
 * artifacts, maybe uint8/float16 in storage): what a share link of that variant carries. A TF-IDF
 * model's variant is its Dense kernel and bias; a network's variant has the network's weights in
 * the run's order. Pure (no tfjs), so the data worker builds links from it.
 */
export function textRunWithVariant(run: ModelArtifacts, variant: ModelArtifacts): ModelArtifacts {
	const topology = run.modelTopology as TextRunTopology;
	const entries = readWeights(variant);
	if (topology.kind === 'linear') {
		const [kernel, bias] = entries;
		if (!kernel || !bias || kernel.values.length !== topology.linear.weights.length || bias.values.length !== topology.linear.bias.length) throw new KilnError('ExportError', 'The picked variant’s weights do not fit the TF-IDF model (terms × classes); compress the run again.');
		const linear = { ...topology.linear, weights: Array.from(kernel.values), bias: Array.from(bias.values) };
		return { modelTopology: { ...topology, linear }, weightSpecs: [], weightData: new ArrayBuffer(0) };
	}
	const same = entries.length === run.weightSpecs.length && entries.every((e, i) => e.name === run.weightSpecs[i].name && e.shape.join() === run.weightSpecs[i].shape.join());
	if (!same) throw new KilnError('ExportError', 'The picked variant’s weights do not match the run’s network (names or shapes differ); compress the run again.');
	return writeWeights(run, entries);
}
