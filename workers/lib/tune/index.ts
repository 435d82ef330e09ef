/** Hyperparameter search: spaces, samplers (grid, random, TPE), schedulers (plain, ASHA) and analysis. */
export * from './types';
export { validateSpace, internalBounds, toInternal, fromInternal, sampleUniform, sampleConfig, gridValues } from './space';
export { buildGrid, gridPoint, proposeConfig, samplerCapacity, trialRng, GRID_DEFAULTS, type Grid } from './samplers';
export { proposeTpe, TPE_DEFAULTS, goodCount, observationWeights, rankObservations } from './tpe';
export { createSearch, restoreSearch, nextJob, ordersByCost, promotionBar, report, isFinished, observations, rungBudgets, validateSettings, type NextJobOptions } from './scheduler';
export * from './analysis';
export * from './default-spaces';
