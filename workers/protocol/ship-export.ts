import type { RuntimeMeasurement } from '../lib/ship/types';
import type { ShipProgress } from './ship';
import type { PredictResult } from './training';
import type { FilePrediction } from './api';

/** Exporting a run's model (ONNX, tfjs files) and measuring its compressed variants. */

/** Which model to export: the run's own ('original') or a variant from its trade-off table. */
export interface ExportRequest {
	runId: string;
	variantId?: string;
}

/**
 * The exported ONNX file run in onnxruntime-web on the run's holdout rows and compared with the
 * tfjs model it came from: probabilities (classification) or predictions in the target's units.
 */
export interface OnnxCheck {
	runtime: string;
	rows: number;
	compared: 'probabilities' | 'prediction';
	maxAbsDiff: number;
	/** Rows where both give the same label (classification), or agree within 1e-4 (regression). */
	agreed: number;
}

export interface OnnxExportResult {
	file: Blob;
	bytes: number;
	deflatedBytes: number;
	variantId: string;
	check: OnnxCheck;
	/** Graph inputs a caller feeds (raw values; the preprocessing is inside the graph). */
	inputs: string[];
	outputs: string[];
	/** 'pipeline': a run trained through a recorded pipeline; the file is a zip of model.onnx (encoded features in) and pipeline.json. */
	sidecar?: 'pipeline' | 'text';
	/** Image runs: how a picture becomes the graph's uint8 input (size, channels, scaling), as JSON. */
	imageSidecar?: Blob;
}

export interface TfjsExportResult {
	/** A .zip with model.json, weights.bin and preprocessing.json. */
	file: Blob;
	bytes: number;
	variantId: string;
}

export interface CompressRequest {
	runId: string;
	/** Shares of zeros for magnitude-pruned variants, e.g. [0.5, 0.8]. */
	sparsities: number[];
	/** Fine-tuning epochs while pruning (on the run's training rows). */
	fineTuneEpochs: number;
	/** Timed repeats per latency figure (default 20). */
	repeats?: number;
	/** Shares of filters / units removed by structured pruning (then fine-tuned), e.g. [0.5]. */
	structured?: number[];
	/** Also measure each magnitude sparsity pruned in one shot, without fine-tuning. */
	oneShot?: boolean;
	/** Also an int8 variant fine-tuned on the int8 grid (quantisation-aware, fineTuneEpochs epochs). */
	qat?: boolean;
}

export interface VariantRow {
	id: string;
	label: string;
	params: number;
	nonZero: number;
	metricName: 'accuracy' | 'rmse';
	tfjs?: RuntimeMeasurement;
	/** Absent where the library has no ONNX form of the variant (float16 storage). */
	onnx?: RuntimeMeasurement;
}

export interface TradeoffTable {
	runId: string;
	createdAt: number;
	holdoutRows: number;
	settings: CompressRequest;
	rows: VariantRow[];
	durationMs: number;
	/** Variants the model's layers do not allow (e.g. structured pruning through a depthwise conv). */
	skipped?: { label: string; reason: string }[];
}

export interface ShipExportApi {
	exportOnnx(request: ExportRequest, onProgress?: (progress: ShipProgress) => void): Promise<OnnxExportResult>;
	exportTfjs(request: ExportRequest): Promise<TfjsExportResult>;
	/** Build, measure and store every variant (artifacts store); returns the table. */
	compressRun(request: CompressRequest, onProgress?: (progress: ShipProgress) => void): Promise<TradeoffTable>;
	/** Rows typed into the Predict form, run through the exported ONNX pipeline in onnxruntime-web. */
	predictRowsOnnx(request: ExportRequest, rows: Record<string, string>[]): Promise<PredictResult & { runtime: string }>;
	/** A file of rows through the same ONNX pipeline (same reading, checks and CSV as the tfjs path). */
	predictFileOnnx(request: ExportRequest, file: Blob, fileName: string): Promise<FilePrediction & { runtime: string }>;
}
