import { DEFAULT_CONFIG, withConfigDefaults } from '$shared/train-config';
import type { TrainConfig, VisionConfig } from '$workers/protocol';
import { defaultFields, parseTextFields } from '$lib/features/text/settings';

/** The Train page's image defaults (scratch, the small preset, no augmentation). */
const IMAGE_DEFAULTS: VisionConfig = { mode: 'scratch', preset: 'small', augment: { flip: 0, rotate: 0, shift: 0, brightness: 0, contrast: 0, noise: 0 }, maxTrainImages: 0, fineTuneEpochs: 0 };

/**
 * The config every image trial starts from: the project's last image run (its mode, preset,
 * augmentation, subset and seed), or the Train page's defaults. Image runs score their holdout
 * per epoch and keep no validation share; trials carve their own from the training images.
 */
export function imageBase(last: TrainConfig | undefined): TrainConfig {
	if (last?.vision) return withConfigDefaults(last);
	return { ...DEFAULT_CONFIG, target: 'label', task: 'classification', features: [], model: 'mlp', hiddenLayers: [], l2: 0, validationFraction: 0, patience: 0, epochs: 5, learningRate: 0.003, batchSize: 64, vision: IMAGE_DEFAULTS };
}

/**
 * The config every text trial starts from: the project's last neural text run on this column and
 * target, or the Text form's embedding-bag defaults; trials need validation texts to be scored on.
 */
export function textBase(last: TrainConfig | undefined, column: string, target: string): TrainConfig {
	const from =
		last?.text && last.text.column === column && last.target === target && last.text.model.family !== 'tfidf' && !last.text.tagging
			? withConfigDefaults(last)
			: { ...parseTextFields(defaultFields('embedding-bag'), column).config!, target, task: 'classification' as const };
	return { ...from, validationFraction: from.validationFraction > 0 ? from.validationFraction : 0.15 };
}
