import type { TextNeuralFamily, TextNeuralSettings, TrainConfig, TrialParams, VisionConfig, VisionPreset } from '$workers/protocol';
import { defaultFields } from '$lib/features/text/settings';

/** Searched image and text parameters that live inside config.vision / config.text, not at the top level. */
export const MEDIA_PARAMS = ['dropout', 'augment', 'preset', 'textModel', 'embeddingDim'] as const;

/** Augmentation "on" when the run had none: mild, and no flips (digits and letters are not symmetric). */
export const MILD_AUGMENT: VisionConfig['augment'] = { flip: 0, rotate: 10, shift: 0.1, brightness: 0.1, contrast: 0.1, noise: 0 };
const NO_AUGMENT: VisionConfig['augment'] = { flip: 0, rotate: 0, shift: 0, brightness: 0, contrast: 0, noise: 0 };

const isOn = (v: unknown) => v === true || v === 'true';

/** A trial's image settings: the base run's, with the searched dropout, augmentation and preset. */
export function visionFrom(params: TrialParams, base: VisionConfig): VisionConfig {
	const vision: VisionConfig = { ...base, augment: { ...base.augment } };
	if (params.dropout !== undefined) vision.dropout = Number(params.dropout);
	if (params.preset !== undefined) vision.preset = String(params.preset) as VisionPreset;
	if (params.augment !== undefined) {
		const had = Object.values(base.augment).some((v) => v > 0);
		vision.augment = isOn(params.augment) ? (had ? { ...base.augment } : { ...MILD_AUGMENT }) : { ...NO_AUGMENT };
	}
	return vision;
}

/**
 * A trial's text model: the searched network (with that family's usual width when it differs
 * from the base run's), embedding size and dropout. Searched embedding sizes train their own
 * vectors (the shipped ones have 100 numbers per word), and a transformer keeps as many heads as
 * divide the embedding size.
 */
export function textModelFrom(params: TrialParams, base: TextNeuralSettings): TextNeuralSettings {
	const model: TextNeuralSettings = { ...base };
	if (params.textModel !== undefined && params.textModel !== base.family) {
		model.family = String(params.textModel) as TextNeuralFamily;
		model.width = Number(defaultFields(model.family).width);
	}
	if (params.embeddingDim !== undefined) {
		model.embeddingDim = Number(params.embeddingDim);
		if (model.pretrained && model.embeddingDim !== 100) delete model.pretrained;
	}
	if (params.dropout !== undefined) model.dropout = Number(params.dropout);
	if (model.family === 'transformer') while (model.heads > 1 && model.embeddingDim % model.heads !== 0) model.heads--;
	return model;
}

/** The base config's value of an image or text parameter, as the editor shows it (undefined: not one). */
export function mediaValue(base: TrainConfig, name: string): string | undefined {
	if (base.vision) {
		if (name === 'dropout') return base.vision.dropout === undefined ? 'the preset’s own' : String(base.vision.dropout);
		if (name === 'augment') return String(Object.values(base.vision.augment).some((v) => v > 0));
		if (name === 'preset') return base.vision.preset;
	}
	if (base.text && base.text.model.family !== 'tfidf') {
		if (name === 'textModel') return base.text.model.family;
		if (name === 'embeddingDim') return String(base.text.model.embeddingDim);
		if (name === 'dropout') return String(base.text.model.dropout);
	}
	return undefined;
}
