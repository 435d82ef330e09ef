// Node-only: tfjs layers artifacts from the two files tfjsFiles writes.
import type { ModelArtifacts } from '$workers/protocol';

export function fromMemory(json: Uint8Array, weights: Uint8Array): ModelArtifacts {
	const doc = JSON.parse(new TextDecoder().decode(json)) as { modelTopology: object; weightsManifest: { weights: ModelArtifacts['weightSpecs'] }[] };
	return { modelTopology: doc.modelTopology, weightSpecs: doc.weightsManifest.flatMap((g) => g.weights), weightData: weights.slice().buffer };
}
