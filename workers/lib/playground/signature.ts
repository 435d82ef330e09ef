import { KilnError } from '$shared/errors';
import { decodeModel } from '$workers/lib/ship/onnx-builder';
import { graphSignature } from '$workers/lib/ship/onnx-compose';
import type { ElementType, ModelSignature, TensorSpec } from './types';

/** ONNX TensorProto.DataType numbers → names (the ones a person may meet). */
const ONNX_TYPES: Record<number, string> = {
	1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 16: 'bfloat16'
};
const FEEDABLE = new Set<string>(['float32', 'float64', 'int32', 'int64', 'uint8', 'int8', 'bool']);

export function isFeedable(type: string): type is ElementType {
	return FEEDABLE.has(type);
}

/** A spec's shape as people write it: [batch, 4] or [N, 3, 224, 224]. */
export function shapeText(dims: (number | string)[]): string {
	return dims.length === 0 ? 'a single value (scalar)' : `[${dims.join(', ')}]`;
}

/** Inputs and outputs of an ONNX file; a corrupt or non-ONNX file is a ModelFormatError naming it. */
export function onnxSignature(bytes: Uint8Array, fileName: string): ModelSignature {
	if (bytes.length === 0) throw new KilnError('ModelFormatError', `"${fileName}" is empty.`);
	let graph;
	try {
		const model = decodeModel(bytes);
		if (!model.graph || (model.graph.node ?? []).length === 0) throw new KilnError('ModelFormatError', 'it holds no graph');
		graph = graphSignature(model);
	} catch (error) {
		const why = error instanceof Error ? error.message.replace(/^This is not a readable ONNX file /, '') : String(error);
		throw new KilnError('ModelFormatError', `"${fileName}" is not a readable ONNX model (${why}). Pick a .onnx file saved by an ONNX exporter, or tfjs model.json with its weight files.`);
	}
	const notes: string[] = [];
	const spec = (info: { name: string; elemType: number; dims: (number | string)[] }): TensorSpec => ({
		name: info.name,
		type: info.elemType === 0 ? 'not a tensor' : (ONNX_TYPES[info.elemType] ?? `ONNX type ${info.elemType}`),
		// A dim with neither a size nor a name decodes as 0: it is unknown, not empty.
		dims: info.dims.map((d) => (d === 0 || d === -1 ? '?' : d))
	});
	const inputs = graph.inputs.map(spec);
	const outputs = graph.outputs.map(spec);
	for (const o of outputs) if (o.type === 'not a tensor') notes.push(`Output "${o.name}" is not a tensor (a sequence or map, such as a ZipMap of class probabilities); the playground shows the tensor outputs only.`);
	for (const i of inputs) if (!isFeedable(i.type)) notes.push(`Input "${i.name}" takes ${i.type}, which the playground cannot feed.`);
	if (inputs.length === 0) throw new KilnError('ModelFormatError', `"${fileName}" has no inputs to feed.`);
	return { format: 'onnx', fileName, bytes: bytes.length, inputs, outputs, notes };
}

/** tfjs symbolic tensors' shapes: null (batch or free) sizes become '?'. */
export function tfjsSpec(name: string, dtype: string, shape: (number | null)[]): TensorSpec {
	return { name, type: dtype, dims: shape.map((d) => (d === null || d < 0 ? '?' : d)) };
}
