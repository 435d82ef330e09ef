import type { TrainConfig, TrialParams, TuneFamily } from '$workers/protocol';
import { trialConfig } from './trial-config';

/**
 * A network trial's training time per row and epoch, in milliseconds on the tune bench's machine
 * (wasm, fused step, one worker; digits' 16 random trials of session 7 within about 20 %): each
 * step's fixed cost spread over its rows, plus the forward multiply-adds (the backward's are
 * about twice as many, folded into the factor). Only the order it gives matters.
 */
const STEP_MS = 0.35;
const MULTIPLY_ADD_MS = 0.75e-6;

/**
 * The relative cost of a search's trials, for dispatching the costliest first (nextJob's `cost`);
 * undefined for the families it does not model (classic, image and text trials keep the
 * sampler's order). Rows are the same for every trial and left out.
 */
export function trialCost(base: TrainConfig, family: TuneFamily, epochs: number): ((params: TrialParams) => number) | undefined {
	if (family !== 'mlp' && family !== 'linear') return undefined;
	const inputs = Math.max(1, base.features.length);
	// The class count is not known here; a small constant keeps the output layer's share small, as it is.
	const outputs = base.task === 'regression' ? 1 : 4;
	return (params) => {
		const config = trialConfig(base, family, params, epochs);
		const widths = [inputs, ...(family === 'mlp' ? config.hiddenLayers : []), outputs];
		let multiplyAdds = 0;
		for (let i = 1; i < widths.length; i++) multiplyAdds += widths[i - 1] * widths[i];
		return config.epochs * (STEP_MS / Math.max(1, config.batchSize) + MULTIPLY_ADD_MS * multiplyAdds);
	};
}
