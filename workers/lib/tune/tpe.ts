import { fitCategorical, fitNumeric, logPdfNumeric, pickIndex, sampleNumeric } from './parzen';
import { fromInternal, internalBounds, sampleConfig, toInternal } from './space';
import type { Config, Observation, SamplerSettings, SearchSpace } from './types';

type TpeSettings = Extract<SamplerSettings, { kind: 'tpe' }>;

/** Optuna's TPESampler defaults. */
export const TPE_DEFAULTS = { startupTrials: 10, candidates: 24, priorWeight: 1, gamma: 'optuna' } as const;

/** How many of n observations form the "good" group l(x). */
export function goodCount(n: number, gamma: 'optuna' | 'hyperopt'): number {
	const count = gamma === 'optuna' ? Math.min(Math.ceil(0.1 * n), 25) : Math.ceil(0.25 * Math.sqrt(n));
	return Math.max(1, Math.min(count, n));
}

/** Optuna's default_weights: equal below 25, then older observations fade linearly. */
export function observationWeights(n: number): number[] {
	if (n < 25) return new Array<number>(n).fill(1);
	const ramp = Array.from({ length: n - 25 }, (_, i) => (n - 25 === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (n - 26)));
	return [...ramp, ...new Array<number>(25).fill(1)];
}

/** Rank for TPE and analysis: trials that reached a higher rung first, then lower loss, then older. */
export function rankObservations(observations: Observation[]): Observation[] {
	return [...observations].sort((a, b) => b.rung - a.rung || a.loss - b.loss || a.trialId - b.trialId);
}

/**
 * One TPE proposal (Bergstra et al. 2011), each parameter on its own as Optuna's default
 * univariate sampler: draw `candidates` values from l(x), the density of the good trials, and
 * keep the one with the largest l(x) / g(x).
 */
export function proposeTpe(space: SearchSpace, observations: Observation[], rng: () => number, settings: TpeSettings): Config {
	const startup = settings.startupTrials ?? TPE_DEFAULTS.startupTrials;
	const candidates = settings.candidates ?? TPE_DEFAULTS.candidates;
	const priorWeight = settings.priorWeight ?? TPE_DEFAULTS.priorWeight;
	if (observations.length < Math.max(startup, 1)) return sampleConfig(space, rng);
	const ranked = rankObservations(observations);
	const nGood = goodCount(ranked.length, settings.gamma ?? TPE_DEFAULTS.gamma);
	const byAge = (group: Observation[]) => [...group].sort((a, b) => a.trialId - b.trialId);
	const good = byAge(ranked.slice(0, nGood));
	const bad = byAge(ranked.slice(nGood));
	const goodWeights = observationWeights(good.length);
	const badWeights = observationWeights(bad.length);

	const config: Config = {};
	for (const name of Object.keys(space)) {
		const spec = space[name];
		if (spec.type === 'categorical') {
			const index = (o: Observation) => Math.max(0, spec.choices.indexOf(o.config[name]));
			const l = fitCategorical(good.map(index), goodWeights, spec.choices.length, priorWeight);
			const g = fitCategorical(bad.map(index), badWeights, spec.choices.length, priorWeight);
			let best = -1;
			let bestScore = -Infinity;
			for (let c = 0; c < candidates; c++) {
				const i = pickIndex(l, rng);
				const s = Math.log(l[i]) - Math.log(g[i]);
				if (s > bestScore) [best, bestScore] = [i, s];
			}
			config[name] = spec.choices[best];
			continue;
		}
		const [low, high] = internalBounds(spec);
		if (!(high > low)) {
			config[name] = spec.low;
			continue;
		}
		const value = (o: Observation) => toInternal(spec, o.config[name] as number);
		const l = fitNumeric(good.map(value), goodWeights, low, high, priorWeight);
		const g = fitNumeric(bad.map(value), badWeights, low, high, priorWeight);
		let best = low;
		let bestScore = -Infinity;
		for (let c = 0; c < candidates; c++) {
			const x = sampleNumeric(l, rng);
			const s = logPdfNumeric(l, x) - logPdfNumeric(g, x);
			if (s > bestScore) [best, bestScore] = [x, s];
		}
		config[name] = fromInternal(spec, best);
	}
	return config;
}
