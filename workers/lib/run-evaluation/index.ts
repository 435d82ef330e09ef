/** A stored run's evaluation suite and single-row explanations, composed from workers/lib/evaluate. */
export { evaluateRun, modelPredict, softmaxFlat, type StoredModel, type EvaluateRunOptions } from './evaluate-run';
export { errorAnalysis, WORST_ROWS, MAX_SLICE_COLUMNS } from './error-analysis';
export { explainRow } from './explain-row';
