export * from './schema';
export { openKilnDb, closeKilnDb, onDatabaseTrouble, type DatabaseTrouble } from './open';
export * from './projects';
export * from './datasets';
export * from './imports';
export * from './runs';
export * from './settings';
export * from './pipelines';
