import type { TextTrainSettings } from '$workers/protocol';

/**
 * Whether a text run fits the share runtime (true), or a sentence saying why not. Every text run
 * does now: TF-IDF, the embedding-bag, 1-D CNN, LSTM/GRU and transformer networks, on the word or
 * BPE tokeniser, classifiers and taggers (workers/lib/share/convert-text.ts); kept so a later
 * family the link runtime lacks is refused here by name.
 */
export function textShareable(text: TextTrainSettings): true | string {
	const family: string = text.model.family;
	return ['tfidf', 'embedding-bag', 'cnn', 'rnn', 'transformer'].includes(family) ? true : `Share links and standalone pages cannot run a ${family} text model yet.`;
}
