/**
 * The typed contract between the page and the workers, split by area. Everything here is plain
 * data that survives structured cloning; typed arrays travel as transferred buffers.
 */
export type { ErrorKind } from '$shared/errors';
export * from './backends';
export * from './tables';
export * from './training';
export * from './data';
export * from './api';
export * from './evaluation';
export * from './tuning';
export * from './ship';
export * from './models';
export * from './text';
export * from './vision';
export * from './ship-export';
export * from './trust';
export * from './predict-runtime';
export * from './playground';
export * from './recipe';
export * from './drift';
