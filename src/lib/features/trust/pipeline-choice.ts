import type { PipelineRecord } from '$lib/db';
import { parsePipeline } from '$workers/lib/data/pipeline';

/** The pipeline versions a dataset can use, newest first (as the Train page lists them). */
export function pipelineVersions(pipelines: PipelineRecord[], datasetId: string | undefined): PipelineRecord[] {
	return pipelines.filter((p) => !p.datasetId || p.datasetId === datasetId);
}

/**
 * The features a Trust job trains on with this choice: a pipeline's own input columns (as the Train
 * page uses them), or the built-in ones. A version that no longer parses is refused by name.
 */
export function choiceFeatures(record: PipelineRecord | undefined, target: string, builtIn: string[]): { features: string[]; pipelineId?: string } | { error: string } {
	if (!record) return { features: builtIn };
	try {
		const pipeline = parsePipeline(record.pipeline);
		return { features: pipeline.features.map((f) => f.column).filter((c) => c !== target), pipelineId: record.id };
	} catch (e) {
		return { error: `Pipeline “${record.name}” version ${record.version} cannot be read (${e instanceof Error ? e.message : String(e)}); pick another or the built-in encoding.` };
	}
}
