import type { TextTrainSettings } from '$workers/protocol';

const FAMILY: Record<string, string> = { 'embedding-bag': 'embedding bag', cnn: '1-D CNN', transformer: 'transformer' };

/** A text run's model in a few words, for the runs table and job titles. */
export function describeTextModel({ model: m }: TextTrainSettings): string {
	if (m.family === 'tfidf') return `TF-IDF + ${m.classifier === 'logistic' ? 'logistic' : 'naive Bayes'}${m.ngrams > 1 ? ` (1–${m.ngrams}-grams)` : ''}`;
	if (m.family === 'rnn') return `${m.bidirectional ? 'bi-' : ''}${m.cell.toUpperCase()} ${m.width}`;
	if (m.family === 'transformer') return `transformer ${m.layers}×${m.embeddingDim}`;
	return `${FAMILY[m.family]} ${m.embeddingDim}`;
}
