import type { TextTrainSettings } from '$workers/protocol';

/**
 * Whether a text run fits the share runtime (true), or a sentence saying why not: it replays the
 * word tokeniser and runs TF-IDF models and the embedding-bag, 1-D CNN and LSTM/GRU networks, not
 * taggers, BPE, or the transformer (workers/lib/share/convert-text.ts).
 */
export function textShareable(text: TextTrainSettings): true | string {
	if (text.tagging) return 'Share links and standalone pages carry text classifiers; this run is a token tagger.';
	const model = text.model;
	if (model.family === 'tfidf') return true;
	if (model.family === 'transformer') return 'Share links and standalone pages run TF-IDF models and the embedding-bag, 1-D CNN and LSTM/GRU networks; this run is a transformer network, which the link runtime cannot run yet.';
	if (model.tokenizer !== 'word') return 'Share links replay the word tokeniser; this run reads BPE sub-words, which the link runtime cannot replay yet.';
	return true;
}
