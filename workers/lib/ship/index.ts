/**
 * Ship: export (ONNX, preprocessing sidecar), compression (quantisation, pruning) and the
 * measurements behind the trade-off table. Pure library code: runs in a worker and in Node.
 */
export { exportTfjsOnnx, layersModelToOnnx, SUPPORTED_LAYERS } from './export-tfjs';
export { exportLinearOnnx } from './export-linear';
export { exportTreesOnnx } from './export-trees';
export { evaluateEnsemble, validateEnsemble } from './trees';
export { exportPipelineOnnx, exportPreprocessingOnnx, pipelineFeeds } from './preprocess-onnx';
export { codeInput, encodeRecords, fromSidecar, NUMERIC_INPUT, parseSidecar, preprocessingLayout, recordsToTable, toSidecar, type RawRecord } from './preprocess-sidecar';
export { graphSignature, type GraphSignature } from './onnx-compose';
export { quantizeOnnxWeights } from './quantize-onnx';
export { quantizeOnnxStatic } from './quantize-onnx-static';
export { quantizeTfjs, type TfjsQuantizeOptions } from './quantize-tfjs';
export { readWeights, writeWeights, type WeightEntry } from './tfjs-weights';
export { pruneMagnitude, sparsityAt } from './prune-magnitude';
export { pruneStructured, removeUnits } from './prune-structured';
export { weightStats } from './prune-stats';
export { countOnnxParams } from './onnx-params';
export { measureModel, tfjsFiles } from './measure';
export * from './types';
export { fakeQuantize, quantAwareFineTune } from './quantize-aware';
