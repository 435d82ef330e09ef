import type { PortableTrees, TreesDescription } from './kinds';
import { runtime } from './runtime';

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
