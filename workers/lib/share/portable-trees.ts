import type { PortableTrees, TreesDescription } from './kinds';
import { runtime } from './runtime';
import type { LazyDescription, PortableLazy } from './kinds-lazy';

function base64(values: Float32Array | Int32Array | Uint8Array): string {
	const bytes = new Uint8Array(values.length * values.BYTES_PER_ELEMENT);
	const view = new DataView(bytes.buffer);
	values.forEach((v: number, i: number) => {
		if (values instanceof Float32Array) view.setFloat32(4 * i, v, true);
		else if (values instanceof Int32Array) view.setInt32(4 * i, v, true);
		else bytes[i] = v;
	});
	return runtime.encodeBase64(bytes, false);
}

/** A tree ensemble as JSON-safe text for the standalone page (little-endian bytes as base64). */
export function treesToPortable(m: TreesDescription): PortableTrees {
	return {
		...m,
		baseline: base64(m.baseline),
		trees: m.trees.map((t) => ({ feature: base64(t.feature), threshold: base64(t.threshold), missingLeft: base64(t.missingLeft), left: base64(t.left), right: base64(t.right), leaves: base64(t.leaves) }))
	};
}

/** Little-endian bytes of a typed array (machines running Kiln are little-endian; the page reads them the same way). */
function rawBase64(values: Float64Array | Float32Array | Int32Array): string {
	return runtime.encodeBase64(new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)), false);
}

/** A kNN or naive Bayes model as JSON-safe text for the standalone page. */
export function lazyToPortable(m: LazyDescription): PortableLazy {
	if (m.kind === 'knn') return { ...m, mean: rawBase64(m.mean), scale: rawBase64(m.scale), x: rawBase64(m.x), y: rawBase64(m.y) };
	if (m.kind === 'gaussian-nb') return { ...m, logPrior: rawBase64(m.logPrior), mean: rawBase64(m.mean), variance: rawBase64(m.variance) };
	return { ...m, logPrior: rawBase64(m.logPrior), edges: m.edges.map(rawBase64), logProb: m.logProb.map(rawBase64) };
}
