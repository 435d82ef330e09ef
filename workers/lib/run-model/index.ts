/** A stored run as a scorer: encoding, feature groups, replayed split and predictions for any encoding and family. */
export { openRunModel, openScorer, softmaxFlat, type RunModel, type Scorer, type StoredRun } from './run-model';
export { encodingGroups, readableColumns, referenceRow, variesAlone } from './groups';
