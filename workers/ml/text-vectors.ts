import { KilnError } from '$shared/errors';
import type { JobEvent } from '../protocol';
import { parseWordVectors, type WordVectors } from '../lib/text/word-vectors';

export const VECTORS_NAME = 'glove-100d-20k';

/** Parsed once per worker: 2 MB of int8 vectors that every pretrained run of the session shares. */
let cached: { url: string; vectors: WordVectors } | null = null;

/** The shipped GloVe vectors from this site (`url` = the folder holding glove-100d-20k.{json,bin}). */
export async function shippedVectors(url: string, onEvent?: (event: JobEvent) => void): Promise<WordVectors> {
	if (cached?.url === url) return cached.vectors;
	onEvent?.({ type: 'log', message: 'Loading the shipped GloVe word vectors (20,000 words, 100 dimensions)…' });
	const get = async (file: string) => {
		const response = await fetch(new URL(file, url));
		if (!response.ok) throw new KilnError('TrainingError', `The shipped word vectors could not be loaded (${file}: HTTP ${response.status}); train with random embeddings, or reload the page.`);
		return response;
	};
	const [meta, binary] = await Promise.all([get(`${VECTORS_NAME}.json`).then((r) => r.json() as Promise<unknown>), get(`${VECTORS_NAME}.bin`).then((r) => r.arrayBuffer())]);
	const vectors = parseWordVectors(meta, binary);
	cached = { url, vectors };
	return vectors;
}
