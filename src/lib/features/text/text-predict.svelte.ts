import * as bridge from '$lib/bridge';
import { toUiError, type UiError } from '$lib/components/ui-error';
import { getSetting } from '$lib/db';
import type { TextPrediction } from '$workers/protocol';

/** A typed text predicted with the model in use, with the words that drove it. */
export class TextPredictor {
	result = $state.raw<TextPrediction | null>(null);
	busy = $state(false);
	error = $state<UiError | null>(null);

	async predict(modelId: string, text: string): Promise<void> {
		this.error = null;
		this.busy = true;
		try {
			this.result = await bridge.predictText(modelId, text, await getSetting('backend'));
		} catch (e) {
			this.error = toUiError(e);
			this.result = null;
		} finally {
			this.busy = false;
		}
	}
}

/** Background strength 0..1 of a word's weight relative to the largest one in the text. */
export function strengths(weights: readonly number[]): number[] {
	const max = Math.max(1e-12, ...weights.map(Math.abs));
	return weights.map((w) => w / max);
}
