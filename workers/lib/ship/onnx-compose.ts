import type { onnx } from 'onnx-proto';
import { KilnError } from '$shared/errors';
import { decodeModel, dimsOf, toNumber, type GraphBuilder } from './onnx-builder';

/** Inputs and outputs of a model file, for checks and for the playground. */
export interface GraphSignature {
	inputs: { name: string; elemType: number; dims: (number | string)[] }[];
	outputs: { name: string; elemType: number; dims: (number | string)[] }[];
}

function describe(info: onnx.IValueInfoProto): GraphSignature['inputs'][number] {
	const tensor = info.type?.tensorType;
	const dims = (tensor?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : toNumber(d.dimValue)));
	return { name: info.name ?? '', elemType: tensor?.elemType ?? 0, dims };
}

export function graphSignature(model: onnx.IModelProto): GraphSignature {
	const graph = model.graph ?? {};
	const initialised = new Set((graph.initializer ?? []).map((t) => t.name));
	// Old exporters also list initializers as inputs; those are not feeds.
	return { inputs: (graph.input ?? []).filter((i) => !initialised.has(i.name)).map(describe), outputs: (graph.output ?? []).map(describe) };
}

/**
 * Copy `model`'s graph into `g` under `prefix`, wiring its inputs to existing values
 * (`bind`: model input name → value in g). Returns the renamed value of every model output.
 */
export function embedModel(g: GraphBuilder, modelBytes: Uint8Array, prefix: string, bind: Record<string, string>): Record<string, string> {
	const model = decodeModel(modelBytes);
	const graph = model.graph;
	if (!graph) throw new KilnError('ModelFormatError', 'The ONNX file has no graph.');
	const renamed = new Map<string, string>(Object.entries(bind));
	for (const input of graphSignature(model).inputs) {
		if (!renamed.has(input.name)) throw new KilnError('ExportError', `The model input "${input.name}" is not connected to anything.`);
	}
	const rename = (name: string | null | undefined): string => {
		if (!name) return '';
		let value = renamed.get(name);
		if (value === undefined) {
			value = g.name(`${prefix}${name}`);
			renamed.set(name, value);
		}
		return value;
	};
	for (const tensor of graph.initializer ?? []) {
		if (renamed.has(tensor.name ?? '')) continue;
		g.initializers.push({ ...tensor, name: rename(tensor.name), dims: dimsOf(tensor) });
	}
	for (const node of graph.node ?? []) {
		if ((node.attribute ?? []).some((a) => a.g || (a.graphs && a.graphs.length > 0))) {
			throw new KilnError('ExportError', `Node "${node.name ?? node.opType}" (${node.opType}) holds a subgraph; such models cannot be combined with preprocessing.`);
		}
		g.nodes.push({ ...node, name: g.name(`${prefix}${node.name || node.opType}`), input: (node.input ?? []).map(rename), output: (node.output ?? []).map(rename) });
	}
	for (const opset of model.opsetImport ?? []) g.useDomain(opset.domain ?? '', toNumber(opset.version));
	return Object.fromEntries((graph.output ?? []).map((o) => [o.name ?? '', rename(o.name)]));
}
