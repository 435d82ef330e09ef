/**
 * The inference playground's contract: a model made anywhere (an ONNX file or tfjs layers files),
 * its signature, what a person feeds it and what comes back. Plain structured-cloneable data.
 */

/** Element types the playground can feed and read; anything else is refused by name. */
export type ElementType = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'int8' | 'bool';

export interface TensorSpec {
	name: string;
	/** A supported element type, or the file's own name for one the playground cannot feed. */
	type: ElementType | string;
	/** Fixed sizes as numbers; symbolic (or unknown, -1) sizes as their name or '?'. */
	dims: (number | string)[];
}

export type ModelFormat = 'onnx' | 'tfjs-layers' | 'tfjs-graph';

export interface ModelSignature {
	format: ModelFormat;
	/** The file the person picked (model.json or the .onnx/.zip name). */
	fileName: string;
	bytes: number;
	inputs: TensorSpec[];
	outputs: TensorSpec[];
	/** Things worth knowing, e.g. outputs that are not tensors and so are not read. */
	notes: string[];
}

export type TypedValues = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;

/** One input tensor ready for a runtime: concrete dims, values in the input's element type. */
export interface Feed {
	name: string;
	type: ElementType;
	dims: number[];
	data: TypedValues;
}

export interface OutputTensor {
	name: string;
	type: string;
	dims: number[];
	/** Values as numbers (int64 converted; exact up to 2^53); empty for a string tensor. */
	values: Float64Array;
	/** A string tensor's values (class labels, for one). */
	texts?: string[];
}

export interface ClassScore {
	index: number;
	score: number;
	/** Softmax of the scores when they were logits; the scores themselves when they were probabilities. */
	probability: number;
}

/** How one output reads for a person. */
export interface OutputView {
	name: string;
	dims: number[];
	/** Rows of the table: one per batch item, up to `rowLimit` (text for string outputs). */
	rows: (number | string)[][];
	truncated: boolean;
	/** Present when the output looks like class scores: top classes per batch item (first items). */
	topK?: ClassScore[][];
	scoreKind?: 'probabilities' | 'logits';
}

/** Median latency of one runtime/backend pair on the last input (batch as given). */
export interface LatencyRow {
	runtime: 'ort' | 'tfjs';
	backend: string;
	/** Median ms after warm-up, or absent with `problem` when the backend could not run it. */
	medianMs?: number;
	runs: number;
	batch: number;
	problem?: string;
}

/** What the page sends to predict: text per input, a CSV file, or an image file. */
export type PlaygroundInput =
	| { kind: 'values'; texts: Record<string, string> }
	| { kind: 'csv'; file: Blob; fileName: string }
	| { kind: 'image'; file: Blob; fileName: string; scale: boolean };

export interface PlaygroundPrediction {
	outputs: OutputView[];
	batch: number;
	/** Wall time of this one run in the worker, ms (the latency table has the medians). */
	ms: number;
	runtime: string;
}
