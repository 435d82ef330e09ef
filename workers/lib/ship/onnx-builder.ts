import { onnx } from 'onnx-proto';
import { KilnError } from '$shared/errors';

/**
 * A small writer for ONNX graphs on top of onnx-proto (protobufjs static code, ONNX 1.10 proto).
 * Every exporter in this folder goes through it, so names stay unique, attribute types are
 * explicit (ONNX rejects an INT where it wants a FLOAT) and tensors are stored the same way.
 */

export const DataType = onnx.TensorProto.DataType;
export type ElemType = onnx.TensorProto.DataType;

/** IR 8 = ONNX 1.10, the proto onnx-proto 8.0.1 was generated from. */
export const IR_VERSION = 8;
export const ML_DOMAIN = 'ai.onnx.ml';

/** An attribute with its ONNX type spelled out. */
export type Attr =
	| { f: number }
	| { i: number }
	| { s: string }
	| { floats: number[] }
	| { ints: number[] }
	| { strings: string[] }
	| { t: onnx.ITensorProto };

const encoder = new TextEncoder();

function toAttribute(name: string, value: Attr): onnx.IAttributeProto {
	const T = onnx.AttributeProto.AttributeType;
	if ('f' in value) return { name, type: T.FLOAT, f: value.f };
	if ('i' in value) return { name, type: T.INT, i: value.i };
	if ('s' in value) return { name, type: T.STRING, s: encoder.encode(value.s) };
	if ('floats' in value) return { name, type: T.FLOATS, floats: value.floats };
	if ('ints' in value) return { name, type: T.INTS, ints: value.ints };
	if ('strings' in value) return { name, type: T.STRINGS, strings: value.strings.map((s) => encoder.encode(s)) };
	return { name, type: T.TENSOR, t: value.t };
}

/** Little-endian bytes of a typed array (every platform a browser runs on is little-endian). */
function rawBytes(data: Float32Array | Float64Array | Int8Array | Uint8Array | Int32Array | BigInt64Array | Uint16Array): Uint8Array {
	return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

export function tensorProto(name: string, type: ElemType, dims: number[], data: Float32Array | Float64Array | Int8Array | Uint8Array | Int32Array | BigInt64Array | Uint16Array): onnx.ITensorProto {
	const count = dims.reduce((a, b) => a * b, 1);
	if (count !== data.length) throw new KilnError('ExportError', `Tensor "${name}" has ${data.length} values but shape [${dims.join(', ')}] needs ${count}.`);
	return { name, dataType: type, dims, rawData: rawBytes(data) };
}

/** A dimension is a fixed size or a symbolic name such as the batch 'N'. */
export type Dim = number | string;

export function valueInfo(name: string, type: ElemType, dims: Dim[]): onnx.IValueInfoProto {
	return {
		name,
		type: { tensorType: { elemType: type, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } }
	};
}

export interface NodeOptions {
	/** How many outputs to create (default 1). */
	outputs?: number;
	/** Use these output names instead of generated ones (for graph outputs). */
	outputNames?: string[];
	domain?: string;
}

export class GraphBuilder {
	readonly nodes: onnx.INodeProto[] = [];
	readonly initializers: onnx.ITensorProto[] = [];
	readonly inputs: onnx.IValueInfoProto[] = [];
	readonly outputs: onnx.IValueInfoProto[] = [];
	private readonly used = new Set<string>();
	private readonly opsets = new Map<string, number>();
	private readonly claimed = new Set<string>();

	constructor(readonly opset = 13) {
		this.opsets.set('', opset);
	}

	/** A fresh name starting with `hint`. */
	name(hint: string): string {
		const base = hint.replace(/[^A-Za-z0-9_./:-]/g, '_') || 'v';
		let name = base;
		for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
		this.used.add(name);
		return name;
	}

	/** Reserve an exact name (graph inputs and outputs); clashes are a bug in the caller. */
	reserve(name: string): string {
		if (this.used.has(name)) throw new KilnError('ExportError', `The ONNX name "${name}" is used twice; input and output names must be unique.`);
		this.used.add(name);
		return name;
	}

	useDomain(domain: string, version: number): void {
		this.opsets.set(domain, Math.max(version, this.opsets.get(domain) ?? 0));
	}

	input(name: string, type: ElemType, dims: Dim[]): string {
		this.inputs.push(valueInfo(this.reserve(name), type, dims));
		return name;
	}

	/** Keep `name` free for a graph output declared later. */
	claimOutput(name: string): void {
		this.claimed.add(this.reserve(name));
	}

	/** Declare `value` a graph output called `name`, adding an Identity when the names differ. */
	output(value: string, name: string, type: ElemType, dims: Dim[]): string {
		const free = this.claimed.delete(name) ? name : this.reserve(name);
		if (value !== name) this.node('Identity', [value], {}, { outputNames: [free] });
		this.outputs.push(valueInfo(name, type, dims));
		return name;
	}

	initializer(hint: string, type: ElemType, dims: number[], data: Float32Array | Float64Array | Int8Array | Uint8Array | Int32Array | BigInt64Array | Uint16Array): string {
		const name = this.name(hint);
		this.initializers.push(tensorProto(name, type, dims, data));
		return name;
	}

	float(hint: string, data: Float32Array | number[], dims: number[] = [data.length]): string {
		return this.initializer(hint, DataType.FLOAT, dims, data instanceof Float32Array ? data : Float32Array.from(data));
	}

	int64(hint: string, values: number[], dims: number[] = [values.length]): string {
		return this.initializer(hint, DataType.INT64, dims, BigInt64Array.from(values.map((v) => BigInt(v))));
	}

	strings(hint: string, values: string[]): string {
		const name = this.name(hint);
		this.initializers.push({ name, dataType: DataType.STRING, dims: [values.length], stringData: values.map((v) => encoder.encode(v)) });
		return name;
	}

	/** Add a node; returns its first output (use `nodeOutputs` for several). */
	node(op: string, inputs: string[], attrs: Record<string, Attr> = {}, options: NodeOptions = {}): string {
		return this.nodeOutputs(op, inputs, attrs, options)[0];
	}

	nodeOutputs(op: string, inputs: string[], attrs: Record<string, Attr> = {}, options: NodeOptions = {}): string[] {
		const outputs = options.outputNames ?? Array.from({ length: options.outputs ?? 1 }, () => this.name(op.toLowerCase()));
		this.nodes.push({
			opType: op,
			name: this.name(`${op}_node`),
			input: inputs,
			output: outputs,
			attribute: Object.entries(attrs).map(([k, v]) => toAttribute(k, v)),
			...(options.domain ? { domain: options.domain } : {})
		});
		return outputs;
	}

	toModel(graphName = 'kiln', docString = ''): onnx.ModelProto {
		return onnx.ModelProto.create({
			irVersion: IR_VERSION,
			producerName: 'kiln',
			producerVersion: '1',
			docString,
			opsetImport: [...this.opsets].map(([domain, version]) => ({ domain, version })),
			graph: { name: graphName, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs }
		});
	}

	encode(graphName?: string, docString?: string): Uint8Array {
		return encodeModel(this.toModel(graphName, docString));
	}
}

export function encodeModel(model: onnx.IModelProto): Uint8Array {
	return onnx.ModelProto.encode(model).finish();
}

export function decodeModel(bytes: Uint8Array): onnx.ModelProto {
	try {
		return onnx.ModelProto.decode(bytes);
	} catch (error) {
		throw new KilnError('ModelFormatError', `This is not a readable ONNX file (${error instanceof Error ? error.message : String(error)}).`);
	}
}

/** protobufjs hands int64 back as a number or a Long-like object; either becomes a number. */
export function toNumber(value: number | { toNumber(): number } | null | undefined): number {
	if (value === null || value === undefined) return 0;
	return typeof value === 'number' ? value : value.toNumber();
}

/** Float values of an initializer, whichever field it was stored in. */
export function floatValues(tensor: onnx.ITensorProto): Float32Array {
	if (tensor.rawData && tensor.rawData.length > 0) {
		// Node's protobuf decode hands out Buffer views at odd offsets: copy into a fresh buffer.
		const copy = new Uint8Array(tensor.rawData);
		return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
	}
	return Float32Array.from(tensor.floatData ?? []);
}

export function dimsOf(tensor: onnx.ITensorProto): number[] {
	return (tensor.dims ?? []).map((d) => toNumber(d));
}
