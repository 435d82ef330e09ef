import { strToU8, zipSync } from 'fflate';
import type { ModelArtifacts } from '$workers/protocol';
import { serialiseFittedPipeline, type FittedPipeline } from '$workers/lib/data/pipeline';
import { tfjsFiles } from '$workers/lib/ship';

export const PIPELINE_TFJS_README = [
	'A TensorFlow.js layers model exported by Kiln, trained through a recorded data pipeline.',
	'Load: tf.loadLayersModel(tf.io.browserFiles([modelJsonFile, weightsBinFile])) or from a URL serving model.json beside weights.bin.',
	'Inputs: float [N, inputSize], the rows encoded by pipeline.json, the fitted pipeline (format kiln-fitted-pipeline) that Kiln',
	'replays: its table steps in order (steps marked trainingOnly are skipped at prediction), then each feature encoding in matrix order.',
	'Outputs: class logits (apply softmax) or, for regression, the standardised target (multiply by target.std, add target.mean in pipeline.json).',
	''
].join('\n');

/** model.json + weights.bin + pipeline.json + README.txt, zipped (fixed timestamps: same run, same bytes). */
export function tfjsPipelineZip(artifacts: ModelArtifacts, pipeline: FittedPipeline): Uint8Array {
	const { json, weights } = tfjsFiles(artifacts);
	return zipSync(
		{ 'model.json': json, 'weights.bin': weights, 'pipeline.json': strToU8(serialiseFittedPipeline(pipeline)), 'README.txt': strToU8(PIPELINE_TFJS_README) },
		{ level: 6, mtime: new Date('2000-01-01T00:00:00Z') }
	);
}
