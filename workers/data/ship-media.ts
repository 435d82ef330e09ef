import { getDataset, readRows, type ModelRecord, type RunRecord } from '$lib/db';
import { KilnError } from '$shared/errors';
import { cellText, findColumn } from '$shared/table';
import { frontParameters, headOf, makeImageSharePayload, makeTextSharePayload } from '../lib/share/media-payload';
import { DEMO_LIMITS } from '../lib/share/share-schema';
import type { DemoConfig, SharePayload } from '../lib/share/types';
import { sharedWeights } from './ship-variant';
import { textRunWithVariant } from '../lib/share/text-variant';
import { decodeImage } from './decode-image';
import { mediaPredictor, type MediaPrediction } from '../lib/share/page-media';
import { runtime } from '../lib/share/runtime';
import { convRuntime } from '../lib/share/runtime-conv';
import { textRuntime } from '../lib/share/runtime-text';
import type { SharedMediaInput } from '../protocol';

type MediaPredictor = ReturnType<typeof mediaPredictor>;

/** Example texts come from the first rows only, so a big dataset is never read whole for three of them. */
const EXAMPLE_POOL = 5000;

/** A few texts from the run's dataset, one per class while classes last (as the table demo picks rows). */
async function exampleTexts(run: RunRecord, column: string, classes: string[]): Promise<{ text: string }[]> {
	const dataset = await getDataset(run.datasetId).catch(() => null);
	if (!dataset || dataset.rowCount === 0) return [];
	const table = await readRows(dataset, 0, Math.min(dataset.rowCount, EXAMPLE_POOL));
	const texts = findColumn(table, column);
	const labels = findColumn(table, run.config.target);
	const out: { text: string }[] = [];
	for (const label of classes) {
		for (let r = 0; r < table.rowCount && out.length < 3; r++) {
			const text = cellText(texts, r).trim();
			if (cellText(labels, r) === label && text.length > 0 && text.length <= DEMO_LIMITS.cellChars) {
				out.push({ text });
				break;
			}
		}
	}
	return out;
}

/** A tagger's examples: its first sentences (tokens joined by spaces), as a person would type them. */
async function exampleSentences(run: RunRecord, tokenColumn: string, sentenceColumn: string): Promise<{ text: string }[]> {
	const dataset = await getDataset(run.datasetId).catch(() => null);
	if (!dataset || dataset.rowCount === 0) return [];
	const table = await readRows(dataset, 0, Math.min(dataset.rowCount, 200));
	const tokens = findColumn(table, tokenColumn);
	const sentences = findColumn(table, sentenceColumn);
	const out: string[][] = [];
	let current = '';
	for (let r = 0; r < table.rowCount; r++) {
		const id = cellText(sentences, r);
		if (id !== current || out.length === 0) {
			if (out.length === 3) break;
			out.push([]);
			current = id;
		}
		out[out.length - 1].push(cellText(tokens, r));
	}
	return out.map((words) => ({ text: words.join(' ') })).filter((e) => e.text.length > 0 && e.text.length <= DEMO_LIMITS.cellChars);
}

/**
 * The share payload of an image or text run, or null for a table run. Image runs carry the
 * variant picked under "Compress" like table runs do; so do text runs (their own weights as int8 otherwise).
 */
export async function mediaSharePayload(run: RunRecord, model: ModelRecord, title: string, description: string, variantId?: string): Promise<{ payload: SharePayload; variant?: { id: string; label: string } } | null> {
	if (!run.config.vision && !run.config.text) return null;
	const prep = model.preprocessing;
	if (!prep || prep.target.task !== 'classification') throw new KilnError('ExportError', 'This run has no stored classes, so it cannot be shared; train it again.');
	const demo: DemoConfig = { title, description, examples: [] };
	if (run.config.vision) {
		const shared = await sharedWeights(run.id, model, variantId);
		return { payload: makeImageSharePayload(shared.artifacts, prep, demo, shared.weights), ...(shared.variant ? { variant: shared.variant } : {}) };
	}
	const text = run.config.text!;
	demo.examples = await (text.tagging ? exampleSentences(run, text.column, text.tagging.sentence) : exampleTexts(run, text.column, prep.target.classes)).catch(() => []);
	// A variant picked under "Compress" travels as itself, as for table and image runs.
	const shared = await sharedWeights(run.id, model, variantId);
	const artifacts = shared.variant ? textRunWithVariant(model.artifacts, shared.artifacts) : model.artifacts;
	return { payload: makeTextSharePayload(artifacts, prep, demo, shared.weights), ...(shared.variant ? { variant: shared.variant } : {}) };
}

/** What the share page needs to know to ask for an image or a text. */
export function mediaView(payload: SharePayload): { media?: SharedMediaInput } {
	const m = payload.media;
	if (!m) return {};
	if (m.kind === 'image') return { media: { kind: 'image', height: m.height, width: m.width, channels: m.channels } };
	return { media: { kind: 'text', front: m.kind, vocabulary: m.kind === 'tfidf' ? m.terms.length : m.vocabulary.length, ...(m.kind !== 'tfidf' && m.task === 'token' ? { tagger: true } : {}) } };
}

/** Weights of an image or text link's front (the head is counted like any network's). */
export function mediaParameters(payload: SharePayload): number {
	return payload.media ? frontParameters(payload.media) : 0;
}

export function mediaPredictorOf(payload: SharePayload): MediaPredictor | null {
	return payload.media ? mediaPredictor(runtime, convRuntime, textRuntime, headOf(payload), payload.preprocessing, payload.media, payload.demo.labelNames) : null;
}

/** One prediction on a shared image or text model; an image is decoded exactly as Kiln's import decodes it. */
export async function predictMedia(predictor: MediaPredictor | null, payload: SharePayload, input: { text: string } | { image: Blob; name: string }): Promise<MediaPrediction> {
	if (!predictor || !payload.media) throw new KilnError('ValidationError', 'This link carries a table model; fill in its fields instead.');
	if ('text' in input) return predictor.predictText(input.text);
	const front = payload.media;
	if (front.kind !== 'image') throw new KilnError('ValidationError', 'This link carries a text model; type a text instead.');
	let pixels: Uint8Array;
	try {
		pixels = await decodeImage(input.image, { height: front.height, width: front.width, channels: front.channels });
	} catch (e) {
		throw new KilnError('ImageDecodeError', `${input.name} could not be decoded as an image (${e instanceof Error ? e.message : String(e)}). Use a PNG, JPEG, GIF, BMP or WebP file.`);
	}
	return predictor.predictPixels(pixels);
}
