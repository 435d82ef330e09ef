import type { onnx } from 'onnx-proto';
import { KilnError } from '$shared/errors';
import { DataType, decodeModel, encodeModel, floatValues, tensorProto, toNumber } from './onnx-builder';
import { consumersOf, nameAllocator, quantizeWeightInitializers } from './quantize-onnx';
import type { OnnxFeeds, OnnxStaticQuantOptions, OrtRuntime } from './types';

/**
 * Full static QDQ quantisation (the format ORT's `quantize_static` writes): int8 per-channel
 * weights, int32 biases, and uint8 activations whose ranges come from running calibration rows
 * through the float model. ORT fuses QuantizeLinear → DequantizeLinear → op into int8 kernels.
 */

interface Range {
	min: number;
	max: number;
}

/** Min/max of each named value over all calibration batches, read as extra graph outputs. */
async function calibrate(proto: onnx.ModelProto, values: string[], batches: OnnxFeeds[], ort: OrtRuntime): Promise<Map<string, Range>> {
	const graph = proto.graph!;
	const existing = new Set((graph.output ?? []).map((o) => o.name));
	const extra = values.filter((v) => !existing.has(v)).map((name) => ({ name, type: { tensorType: { elemType: DataType.FLOAT } } }));
	const augmented = { ...proto, graph: { ...graph, output: [...(graph.output ?? []), ...extra] } };
	const session = await ort.InferenceSession.create(encodeModel(augmented));
	const ranges = new Map<string, Range>(values.map((v) => [v, { min: Infinity, max: -Infinity }]));
	try {
		for (const feeds of batches) {
			const inputs = Object.fromEntries(Object.entries(feeds).map(([name, f]) => [name, new ort.Tensor(f.type, f.data, f.dims)]));
			const result = await session.run(inputs, values);
			for (const v of values) {
				const range = ranges.get(v)!;
				for (const x of result[v].data as Float32Array) {
					if (x < range.min) range.min = x;
					if (x > range.max) range.max = x;
				}
			}
		}
	} finally {
		await session.release();
	}
	return ranges;
}

/** uint8 affine parameters covering [min, max] and 0 (so zero padding and ReLU zeros are exact). */
function activationParams(range: Range): { scale: number; zeroPoint: number } {
	const lo = Math.min(0, range.min);
	const hi = Math.max(0, range.max);
	if (!(hi > lo)) return { scale: 1, zeroPoint: 0 };
	const scale = (hi - lo) / 255;
	return { scale, zeroPoint: Math.max(0, Math.min(255, Math.round(-lo / scale))) };
}

/**
 * Quantise `model` with activation ranges measured on `calibration` (a few hundred rows, in
 * batches; the same feeds the model takes). `ort` is the onnxruntime module to calibrate with.
 */
export async function quantizeOnnxStatic(model: Uint8Array, calibration: OnnxFeeds[], ort: OrtRuntime, options: OnnxStaticQuantOptions = {}): Promise<Uint8Array> {
	if (calibration.length === 0) throw new KilnError('ExportError', 'Static quantisation needs calibration rows; pass at least one batch.');
	const proto = decodeModel(model);
	const graph = proto.graph;
	if (!graph) throw new KilnError('ModelFormatError', 'The ONNX file has no graph.');
	const opset = toNumber((proto.opsetImport ?? []).find((o) => !o.domain)?.version);
	if (opset < 13) throw new KilnError('ExportError', `Static quantisation needs ONNX opset 13 or newer; this model uses opset ${opset}.`);
	const ops = new Set(options.ops ?? ['Gemm', 'MatMul', 'Conv']);
	const initialised = new Set((graph.initializer ?? []).map((t) => t.name));
	const targets = (graph.node ?? []).filter((n) => ops.has(n.opType ?? '') && initialised.has(n.input?.[1]) && !initialised.has(n.input?.[0]));
	if (targets.length === 0) throw new KilnError('ExportError', `The model has no ${[...ops].join(' / ')} node with constant weights to quantise.`);
	const activations = [...new Set(targets.flatMap((n) => [n.input![0], n.output![0]]))];
	const ranges = await calibrate(proto, activations, calibration, ort);

	const biasOwners = new Map(targets.filter((n) => n.input!.length > 2 && initialised.has(n.input![2])).map((n) => [n.input![2], n]));
	const weightNames = new Map(targets.map((n) => [n, n.input![1]]));
	const { nodes: weightNodes, scales } = quantizeWeightInitializers(graph, { ...options, minElements: options.minElements ?? 1 }, new Set(targets));
	const fresh = nameAllocator(graph);
	const added: onnx.ITensorProto[] = [];
	const params = new Map<string, { scale: string; zeroPoint: string; value: number }>();
	for (const name of activations) {
		const { scale, zeroPoint } = activationParams(ranges.get(name)!);
		const s = fresh(`${name}_scale`);
		const z = fresh(`${name}_zero_point`);
		added.push(tensorProto(s, DataType.FLOAT, [], Float32Array.of(scale)), tensorProto(z, DataType.UINT8, [], Uint8Array.of(zeroPoint)));
		params.set(name, { scale: s, zeroPoint: z, value: scale });
	}

	// Bias as int32 with scale = input scale × weight scale (per channel), as QLinear kernels expect.
	const biasNodes: onnx.INodeProto[] = [];
	const kept: onnx.ITensorProto[] = [];
	for (const tensor of graph.initializer ?? []) {
		const owner = biasOwners.get(tensor.name ?? '');
		const wq = owner ? scales.get(weightNames.get(owner)!) : undefined;
		const single = owner && consumersOf(graph).get(tensor.name ?? '')?.length === 1;
		if (!owner || !wq || !single || tensor.dataType !== DataType.FLOAT) {
			kept.push(tensor);
			continue;
		}
		const bias = floatValues(tensor);
		const inputScale = params.get(owner.input![0])!.value;
		const channelScales = Float32Array.from(bias, (_, c) => inputScale * wq.scales[wq.scales.length === 1 ? 0 : c]);
		const q = Int32Array.from(bias, (b, c) => Math.round(b / channelScales[c]));
		const [qn, sn, zn, out] = ['int32', 'scale', 'zero_point', 'dequantized'].map((k) => fresh(`${tensor.name}_${k}`));
		kept.push(tensorProto(qn, DataType.INT32, [bias.length], q), tensorProto(sn, DataType.FLOAT, [bias.length], channelScales), tensorProto(zn, DataType.INT32, [bias.length], new Int32Array(bias.length)));
		biasNodes.push({ opType: 'DequantizeLinear', name: fresh(`${tensor.name}_DequantizeLinear`), input: [qn, sn, zn], output: [out], attribute: [{ name: 'axis', type: 2, i: 0 }] });
		owner.input![2] = out;
	}
	graph.initializer = [...kept, ...added];

	// Q → DQ right after each activation is produced; every consumer reads the DQ output, graph
	// outputs keep the float value.
	const dequantized = new Map(activations.map((a) => [a, fresh(`${a}_dequantized`)]));
	const qdq = (name: string): onnx.INodeProto[] => {
		const p = params.get(name)!;
		const quantized = fresh(`${name}_quantized`);
		return [
			{ opType: 'QuantizeLinear', name: fresh(`${name}_QuantizeLinear`), input: [name, p.scale, p.zeroPoint], output: [quantized] },
			{ opType: 'DequantizeLinear', name: fresh(`${name}_DequantizeLinear`), input: [quantized, p.scale, p.zeroPoint], output: [dequantized.get(name)!] }
		];
	};
	const inputs = new Set((graph.input ?? []).map((i) => i.name));
	const ordered: onnx.INodeProto[] = [...weightNodes, ...biasNodes, ...activations.filter((a) => inputs.has(a)).flatMap(qdq)];
	for (const node of graph.node ?? []) {
		node.input = (node.input ?? []).map((name) => dequantized.get(name) ?? name);
		ordered.push(node, ...(node.output ?? []).filter((o) => dequantized.has(o)).flatMap(qdq));
	}
	graph.node = ordered;
	return encodeModel(proto);
}
