import { KilnError } from '$shared/errors';
import { DataType, decodeModel, dimsOf, encodeModel, floatValues, tensorProto } from '$workers/lib/ship/onnx-builder';
import { toFloat16 } from '$workers/lib/ship/tfjs-weights';

/**
 * float16 weights in an ONNX graph that still computes in float32: every float initializer with
 * a shape (scalars stay: they are op constants, not weights) is stored as FLOAT16 and a Cast back
 * to float32 feeds the ops that read it. The file is about half the size; compute is unchanged,
 * so it runs on onnxruntime-web's wasm EP, which has few float16 kernels. The rounding is
 * toFloat16's (nearest even), the same as the tfjs float16 storage variant, so both hold the
 * same weights.
 */
export function float16Onnx(bytes: Uint8Array): Uint8Array {
	const model = decodeModel(bytes);
	const graph = model.graph;
	if (!graph) throw new KilnError('ModelFormatError', 'The ONNX file has no graph.');
	const taken = new Set<string>([...(graph.initializer ?? []).map((t) => t.name ?? ''), ...(graph.node ?? []).flatMap((n) => [...(n.output ?? []), n.name ?? ''])]);
	const fresh = (hint: string) => {
		let name = hint;
		for (let i = 1; taken.has(name); i++) name = `${hint}_${i}`;
		taken.add(name);
		return name;
	};
	const casts: typeof graph.node = [];
	let converted = 0;
	graph.initializer = (graph.initializer ?? []).map((tensor) => {
		const dims = dimsOf(tensor);
		if (tensor.dataType !== DataType.FLOAT || dims.length === 0 || !tensor.name) return tensor;
		const half = Uint16Array.from(floatValues(tensor), toFloat16);
		const stored = fresh(`${tensor.name}_f16`);
		casts.push({ opType: 'Cast', name: fresh(`${tensor.name}_cast`), input: [stored], output: [tensor.name], attribute: [{ name: 'to', type: 2, i: DataType.FLOAT }] });
		converted++;
		return tensorProto(stored, DataType.FLOAT16, dims, half);
	});
	if (converted === 0) throw new KilnError('ExportError', 'The model has no float weights to store as float16.');
	// Casts first keeps the node list in topological order.
	graph.node = [...casts, ...(graph.node ?? [])];
	return encodeModel(model);
}
