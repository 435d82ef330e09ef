import * as Comlink from 'comlink';
import type { MlWorkerApi } from './protocol';
import { backendHandlers } from './ml/backend';
import { predictHandlers } from './ml/predict';
import { shareImportHandlers } from './ml/share-import';
import { shipExportHandlers } from './ml/ship-export';
import { trainHandlers } from './ml/train';
import { evaluateHandlers } from './ml/evaluate';
import { stoppingWarmUp, tuneHandlers } from './ml/tune';
import { modelSearchHandlers } from './ml/model-search';
import { visionHandlers } from './ml/vision';
import { trustHandlers } from './ml/trust';
import { textHandlers } from './ml/text';
import { forestHandlers } from './ml/forest';
import { predictRuntimeHandlers } from './ml/predict-runtime';
import { openPredictLane } from './ml/predict-lane';
import { playgroundHandlers } from './ml/playground';
import { recipeHandlers } from './ml/recipe';

/**
 * The ML worker: tfjs (and later onnxruntime-web) kernels for every job that computes with a
 * model. Each area's handlers live in workers/ml/ and its contract in workers/protocol/.
 */
const handlers: MlWorkerApi = { ...backendHandlers, ...trainHandlers, ...predictHandlers, ...evaluateHandlers, ...tuneHandlers, ...shareImportHandlers, ...shipExportHandlers, ...visionHandlers, ...trustHandlers, ...modelSearchHandlers, ...textHandlers, ...forestHandlers, ...playgroundHandlers, ...predictRuntimeHandlers, ...recipeHandlers };

// Any job first stops the pool's trial warm-up, if this worker runs one (workers/ml/tune.ts).
const api = stoppingWarmUp(handlers);

Comlink.expose(api);
openPredictLane(self);
