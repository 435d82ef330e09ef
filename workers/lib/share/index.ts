// Public surface of the share library. Worker code imports from here; the page imports types only.
export type * from './types';
export { kilnRuntime, runtime, createPredictor, type KilnRuntime, type Predictor } from './runtime';
export { describeModel, quantizeInt8, quantizeModel, parameterCount, type WeightFormat } from './convert';
export { artifactsFromDescription } from './to-artifacts';
export { SHARE_FORMAT_VERSION, SHARE_LIMITS, makeSharePayload, encodeShareLink, decodeShareLink, packPayload, unpackPayload } from './share-link';
export { shareLinkFit, measureShareLink } from './share-size';
export { defaultDemoConfig } from './demo-config';
export { buildStandalonePage, modelToPortable, type StandalonePage } from './standalone-page';
export { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, BUNDLE_LIMITS, UPGRADES, writeBundle, readBundle, upgradeBundleFiles, type WriteBundleOptions } from './bundle';
export { modelCard } from './model-card';
export { exportTrainingRecipe, recipeSplit, RECIPE_FORMAT_VERSION, SPLIT_COLUMN, type RecipeManifest, type TrainingRecipe } from './recipe/recipe';
export { importTorchWeights, type ImportedWeights } from './recipe/import-weights';
