/** The trust library: differential privacy, fairness, adversarial robustness, poisoning checks, encryption at rest. */
export * from './types';
export { DEFAULT_ORDERS, TF_PRIVACY_ORDERS, computeRdp, createAccountant, epsilon, privacyFromRdp, privacySpent, rdpOneStep, sigmaFor, type AccountantOptions } from './rdp';
export { trainDpSgd, type DpTrainingState } from './dp-sgd';
export { clippedGradients, dpDenseLayers, type ClippedBatch, type DpDenseLayer } from './dp-gradients';
export { createRandomSource, type RandomSource } from './noise';
export { applyThreshold, auditFairness, disparities, fairnessReport, groupKeys, MISSING_GROUP, wilson, type AuditInput } from './fairness';
export { applyGroupThresholds, groupThresholds, reweighing, type ReweighingResult, type ThresholdInput } from './fairness-mitigation';
export { makeWeightedTrainStep } from './weighted-step';
export { accuracyOn, attack, boxFromData, fgsm, pgd, robustnessCurve } from './adversarial';
export { trainAdversarial } from './adversarial-training';
export { findSuspectLabels, logisticFitPredict, stratifiedFolds, type SuspectOptions } from './poisoning';
export { createLock, decryptBytes, decryptValue, encryptBytes, encryptValue, isEncryptedRecord, MIN_ITERATIONS, unlock } from './crypto';
export { decodeValue, encodeValue } from './envelope';
export { trainPrivateModel, type PrivateTrainingOptions, type PrivateTrainResult } from './private-training';
