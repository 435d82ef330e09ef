/** Splits, folds, leakage check and class balance: the public surface the ML worker and UI use. */
export { randomHoldout, stratifiedHoldout, threeWaySplit, type HoldoutSplit, type ThreeWaySplit } from './holdout';
export { kFold, stratifiedKFold, groupKFold, foldRows, MAX_FOLDS, type Folds } from './folds';
export { timeSplit, type TimeSplit } from './time';
export { leakageCheck, type LeakageReport } from './leakage';
export { classCounts, classWeights, sampleWeights, randomOversample, randomUndersample, type ClassCounts, type Resampled, type TargetCounts } from './balance';
export { smote, matrixBlocks, type Block, type SmoteOptions, type SmoteResult } from './smote';
