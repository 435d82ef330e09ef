/** Evaluation: reports, baselines, k-fold aggregation, explanations and error analysis. */
export * from './types';
export { classificationReport, logLoss, argmax, LOG_LOSS_EPSILON, type ClassificationOptions } from './classification';
export { regressionReport, histogram, weightedMedian, r2FromSums, type RegressionOptions } from './regression';
export { calibrationCurve, DEFAULT_CALIBRATION_BINS } from './calibration';
export { binaryCounts, rocAuc, averagePrecision, rocCurve, prCurve, downsample, MAX_CURVE_POINTS, type BinaryCounts } from './curves';
export { thresholdSweep, bothThresholds, DEFAULT_THRESHOLD_POINTS } from './threshold';
export * from './baselines';
export { scalarMetrics, aggregateFolds, aggregateReports, pooledConfusion } from './folds';
export { score, HIGHER_IS_BETTER, type MetricName, type ClassificationMetricName, type RegressionMetricName } from './scorers';
export { featureGroups, aggregateAttributions, type FeatureGroup } from './groups';
export * from './permutation';
export * from './partial-dependence';
export * from './attributions';
export * from './error-analysis';
export * from './slices';
