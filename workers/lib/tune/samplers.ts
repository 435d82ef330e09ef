import { KilnError } from '$shared/errors';
import { createRng, shuffleInPlace } from '$workers/lib/random';
import { gridValues, sampleConfig } from './space';
import { proposeTpe } from './tpe';
import type { Config, Observation, ParamValue, SearchSettings, SearchSpace } from './types';

export const GRID_DEFAULTS = { pointsPerParam: 5, maxGridSize: 1000 } as const;

export interface Grid {
	names: string[];
	values: ParamValue[][];
	size: number;
}

/** The grid's axes; refuses a grid above the cap with the sizes that make it up. */
export function buildGrid(space: SearchSpace, options: { pointsPerParam?: number; maxGridSize?: number } = {}): Grid {
	const points = options.pointsPerParam ?? GRID_DEFAULTS.pointsPerParam;
	const cap = options.maxGridSize ?? GRID_DEFAULTS.maxGridSize;
	if (!Number.isInteger(points) || points < 2 || points > 100) throw new KilnError('SearchError', `A grid needs 2 to 100 values per numeric parameter; got ${points}.`);
	const names = Object.keys(space);
	const values = names.map((name) => gridValues(space[name], points));
	const size = values.reduce((n, v) => n * v.length, 1);
	if (size > cap) {
		const parts = names.map((name, i) => `${name} ${values[i].length}`).join(' × ');
		throw new KilnError('SearchError', `The grid has ${size.toLocaleString('en-US')} combinations (${parts}); the limit is ${cap.toLocaleString('en-US')}. Give fewer values per parameter, fix some parameters, or use random or Bayesian (TPE) search.`);
	}
	return { names, values, size };
}

/** Grid point `index`, the last parameter changing fastest. */
export function gridPoint(grid: Grid, index: number): Config {
	const positions = new Array<number>(grid.names.length);
	let rest = index;
	for (let p = grid.names.length - 1; p >= 0; p--) {
		positions[p] = rest % grid.values[p].length;
		rest = Math.floor(rest / grid.values[p].length);
	}
	// keys in the space's order, like every other sampler's configs
	const config: Config = {};
	grid.names.forEach((name, p) => (config[name] = grid.values[p][positions[p]]));
	return config;
}

/** How many configurations the sampler can make at most (the grid's size, else maxTrials). */
export function samplerCapacity(settings: SearchSettings): number {
	if (settings.sampler.kind !== 'grid') return settings.maxTrials;
	return Math.min(settings.maxTrials, buildGrid(settings.space, settings.sampler).size);
}

/**
 * Each trial draws from its own stream, seeded by the search seed and the trial number, so a
 * proposal depends only on (seed, trialId, observations): a search rebuilt from stored trials
 * proposes exactly what the interrupted one would have.
 */
export function trialRng(seed: number, trialId: number): () => number {
	let h = (seed ^ Math.imul(trialId + 1, 0x9e3779b1)) >>> 0;
	h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
	h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
	return createRng((h ^ (h >>> 16)) >>> 0);
}

/** The configuration of new trial `trialId`; null once a grid is exhausted. */
export function proposeConfig(settings: SearchSettings, trialId: number, observations: Observation[]): Config | null {
	const sampler = settings.sampler;
	if (sampler.kind === 'grid') {
		const grid = buildGrid(settings.space, sampler);
		if (trialId >= grid.size) return null;
		let index = trialId;
		if (sampler.shuffle) index = shuffleInPlace(Int32Array.from({ length: grid.size }, (_, i) => i), createRng(settings.seed))[trialId];
		return gridPoint(grid, index);
	}
	const rng = trialRng(settings.seed, trialId);
	if (sampler.kind === 'random') return sampleConfig(settings.space, rng);
	// Only finished results inform TPE, sorted so their stored order cannot matter.
	const sorted = [...observations].sort((a, b) => a.trialId - b.trialId);
	return proposeTpe(settings.space, sorted, rng, sampler);
}
