/**
 * The only way the page reaches workers. Each area has its module; every call is abortable
 * (abort terminates the worker busy with it) and large arrays travel as transferred buffers.
 */
export * from './data';
export * from './ml';
export * from './evaluate';
export * from './tune';
export * from './ship';
export * from './model-search';
export * from './text';
export * from './vision';
export * from './ship-export';
export * from './trust';
export * from './predict-runtime';
export * from './predict-shared';
export * from './playground';
export * from './recipe';
