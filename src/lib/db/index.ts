export * from './schema';
export { openKilnDb, closeKilnDb } from './open';
export * from './projects';
export * from './datasets';
export * from './runs';
export * from './settings';
