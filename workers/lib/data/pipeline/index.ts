/** Cleaning and encoding pipelines: the public surface the data/ML workers and the UI use. */
export * from './types';
export { fitPipeline, type FitOptions, type FitResult } from './fit';
export { applyPipeline, transformTable, encodeRows, checkInputs, type ApplyOptions, type ApplyResult, type TransformResult } from './apply';
export { previewPipeline, type PipelinePreview, type PreviewStage, type PreviewFeature, type PreviewError } from './preview';
export { defaultPipeline, fromLegacyPreprocessing, isLegacyPreprocessing } from './defaults';
export { describeStep, TABLE_STEPS, FEATURE_STEPS, TABLE_STEP_KINDS, FEATURE_STEP_KINDS, validateTableStep, validateFeatureStep } from './registry';
export { parsePipeline, serialisePipeline, validatePipeline, migratePipeline, emptyPipeline, parseFittedPipeline, serialiseFittedPipeline, PIPELINE_MIGRATIONS, type Migration } from './serialise';
export { encodeTargetRows, fitTarget } from './target';
export { compileExpression, parseExpression, printExpression, FUNCTION_NAMES, SIGNATURES, type CompiledExpression, type Expr } from './expression';
export type { Mode, Effect, TableStepDefinition, FeatureDefinition } from './step-definition';
