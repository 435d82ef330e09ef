import type { TextTrainSettings, TrainConfig } from '$workers/protocol';

const FAMILY: Record<string, string> = { 'embedding-bag': 'embedding bag', cnn: '1-D CNN', transformer: 'transformer' };

/** A text run's model in a few words, for the runs table and job titles. */
export function describeTextModel(settings: TextTrainSettings): string {
	const m = settings.model;
	if (settings.tagging) return `${describeTextModel({ ...settings, tagging: undefined })} tagger`;
	if (m.family === 'tfidf') return `TF-IDF + ${m.classifier === 'logistic' ? 'logistic' : 'naive Bayes'}${m.ngrams > 1 ? ` (1–${m.ngrams}-grams)` : ''}`;
	if (m.family === 'rnn') return `${m.bidirectional ? 'bi-' : ''}${m.cell.toUpperCase()} ${m.width}`;
	if (m.family === 'transformer') return `transformer ${m.layers}×${m.embeddingDim}`;
	return `${FAMILY[m.family]} ${m.embeddingDim}`;
}

/** The settings a person compares text runs by, in one short line. */
export function textKeySettings(config: TrainConfig): string {
	const m = config.text?.model;
	if (!m) return '';
	if (m.family === 'tfidf') return [`text “${config.text?.column}”`, `≤ ${m.maxFeatures.toLocaleString('en-US')} terms`, `min ${m.minDf} texts`, m.sublinear ? 'sublinear tf' : 'raw tf'].join(' · ');
	const parts = [`text “${config.text?.column}”`, `${m.tokenizer === 'bpe' ? 'BPE' : 'word'} vocabulary ${m.vocabularySize.toLocaleString('en-US')}`, `${m.maxLength} tokens`, `lr ${config.learningRate}`, `batch ${config.batchSize}`, `${config.epochs} epochs`];
	if (config.patience) parts.push(`patience ${config.patience}`);
	if (m.pretrained) parts.push(`GloVe vectors, ${m.pretrained.fineTune ? 'fine-tuned' : 'frozen'}`);
	return parts.join(' · ');
}
