import type { ModelArtifacts } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import type { TextModelConfig } from './config';
import { TextModel } from './text-model';

export const TEXT_MODEL_FORMAT = 'kiln-text-model';

/** What a text model's `modelTopology` holds: the config it is rebuilt from (tfjs layers cannot describe it). */
export interface TextModelTopology {
	format: typeof TEXT_MODEL_FORMAT;
	version: 1;
	config: TextModelConfig;
}

/** The model as the protocol's ModelArtifacts: topology = config, weights float32 in parameter order. */
export async function serialiseTextModel(model: TextModel): Promise<ModelArtifacts> {
	const topology: TextModelTopology = { format: TEXT_MODEL_FORMAT, version: 1, config: structuredClone(model.config) };
	return { modelTopology: topology, weightSpecs: model.params.specs(), weightData: await model.params.snapshot() };
}

export function isTextModel(artifacts: ModelArtifacts): boolean {
	return (artifacts.modelTopology as Partial<TextModelTopology>)?.format === TEXT_MODEL_FORMAT;
}

/** Rebuilds a model from artifacts; the config is re-validated and every weight's name and shape checked. */
export function loadTextModel(artifacts: ModelArtifacts): TextModel {
	const topology = artifacts.modelTopology as Partial<TextModelTopology>;
	if (topology?.format !== TEXT_MODEL_FORMAT || topology.version !== 1 || !topology.config) throw new KilnError('ModelFormatError', `This is not a Kiln text model (format "${String(topology?.format)}", version ${String(topology?.version)}).`);
	const model = new TextModel(topology.config);
	try {
		const expected = model.params.specs();
		const stored = artifacts.weightSpecs;
		const same = stored.length === expected.length && stored.every((s, i) => s.name === expected[i].name && s.dtype === 'float32' && s.shape.join() === expected[i].shape.join());
		if (!same) throw new KilnError('ModelFormatError', 'The stored weights do not match the model described by its config (names or shapes differ); the file is damaged or from another model.');
		model.params.restore(artifacts.weightData);
		return model;
	} catch (error) {
		model.dispose();
		throw error;
	}
}
