import { DataType, decodeModel, dimsOf } from './onnx-builder';

/**
 * Parameters and non-zeros of an ONNX file's weights: float initializers and the int8 / int32
 * values behind DequantizeLinear, leaving out quantisation scales, zero points and int64 shapes.
 */
export function countOnnxParams(bytes: Uint8Array): { params: number; nonZero: number } {
	const graph = decodeModel(bytes).graph ?? {};
	const bookkeeping = new Set<string>();
	for (const node of graph.node ?? []) {
		if (node.opType === 'DequantizeLinear' || node.opType === 'QuantizeLinear') (node.input ?? []).slice(1).forEach((n) => bookkeeping.add(n));
	}
	let params = 0;
	let nonZero = 0;
	for (const tensor of graph.initializer ?? []) {
		if (bookkeeping.has(tensor.name ?? '')) continue;
		const size = dimsOf(tensor).reduce((a, b) => a * b, 1);
		const raw = tensor.rawData && tensor.rawData.length > 0 ? new Uint8Array(tensor.rawData) : null;
		let values: ArrayLike<number>;
		if (tensor.dataType === DataType.FLOAT) values = raw ? new Float32Array(raw.buffer, 0, size) : (tensor.floatData ?? []);
		else if (tensor.dataType === DataType.INT8) values = raw ? new Int8Array(raw.buffer, 0, size) : (tensor.int32Data ?? []);
		else if (tensor.dataType === DataType.INT32) values = raw ? new Int32Array(raw.buffer, 0, size) : (tensor.int32Data ?? []);
		else continue;
		params += size;
		for (let i = 0; i < values.length; i++) if (values[i] !== 0) nonZero++;
	}
	return { params, nonZero };
}
