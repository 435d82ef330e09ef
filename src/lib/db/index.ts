export * from './schema';
export { openKilnDb, closeKilnDb, onDatabaseTrouble, type DatabaseTrouble } from './open';
export * from './projects';
export * from './datasets';
export * from './runs';
export * from './settings';
export * from './evaluations';
export * from './searches';
export * from './ship';
