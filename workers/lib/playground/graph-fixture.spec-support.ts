// Node-only: a Kiln MLP written as the TensorFlow.js graph model tensorflowjs_converter makes of a
// Keras Dense stack (GraphDef nodes in JSON, Const weights in the manifest, a signature), so the
// playground's graph path is checked against the same network's layers files.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ModelArtifacts } from '$workers/protocol';

const ACTIVATION_OPS: Record<string, string | null> = { linear: null, relu: 'Relu', tanh: 'Tanh', sigmoid: 'Sigmoid', elu: 'Elu', softmax: 'Softmax' };
const FLOAT = { type: 'DT_FLOAT' };
const shapeAttr = (dims: number[]) => ({ dim: dims.map((d) => ({ size: String(d) })) });

interface Node {
	name: string;
	op: string;
	input?: string[];
	attr: Record<string, unknown>;
}

export async function graphModelFiles(artifacts: ModelArtifacts): Promise<{ json: Uint8Array; weights: Uint8Array }> {
	const model = await tfl.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
	const width = model.inputs[0].shape[1] as number;
	const nodes: Node[] = [{ name: 'x', op: 'Placeholder', attr: { dtype: FLOAT, shape: { shape: shapeAttr([-1, width]) } } }];
	const specs: { name: string; shape: number[]; dtype: 'float32' }[] = [];
	const parts: Float32Array[] = [];
	let last = 'x';
	let units = width;
	for (const layer of model.layers) {
		const kind = layer.getClassName();
		if (kind === 'Dropout' || kind === 'InputLayer') continue;
		if (kind !== 'Dense') throw new Error(`the graph fixture writes Dense stacks only, not ${kind}`);
		const [kernel, bias] = layer.getWeights();
		const name = layer.name;
		for (const [suffix, tensor] of [['kernel', kernel], ['bias', bias]] as const) {
			nodes.push({ name: `${name}/${suffix}`, op: 'Const', attr: { dtype: FLOAT, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: shapeAttr(tensor.shape) } } } });
			specs.push({ name: `${name}/${suffix}`, shape: [...tensor.shape], dtype: 'float32' });
			parts.push(tensor.dataSync() as Float32Array);
		}
		nodes.push({ name: `${name}/MatMul`, op: 'MatMul', input: [last, `${name}/kernel`], attr: { T: FLOAT, transpose_a: { b: false }, transpose_b: { b: false } } });
		nodes.push({ name: `${name}/BiasAdd`, op: 'BiasAdd', input: [`${name}/MatMul`, `${name}/bias`], attr: { T: FLOAT, data_format: { s: 'TkhXQw==' } } });
		last = `${name}/BiasAdd`;
		const activation = (layer.getConfig().activation as string | undefined) ?? 'linear';
		const op = ACTIVATION_OPS[activation];
		if (op === undefined) throw new Error(`the graph fixture has no op for the ${activation} activation`);
		if (op) {
			nodes.push({ name: `${name}/${op}`, op, input: [last], attr: { T: FLOAT } });
			last = `${name}/${op}`;
		}
		units = kernel.shape[1] ?? units;
	}
	nodes.push({ name: 'Identity', op: 'Identity', input: [last], attr: { T: FLOAT } });
	const tensorInfo = (name: string, dims: number[]) => ({ name, dtype: 'DT_FLOAT', tensorShape: shapeAttr(dims) });
	const doc = {
		format: 'graph-model',
		generatedBy: '2.15.0',
		convertedBy: 'TensorFlow.js Converter v4.22.0',
		signature: { inputs: { 'x:0': tensorInfo('x:0', [-1, width]) }, outputs: { 'Identity:0': tensorInfo('Identity:0', [-1, units]) } },
		modelTopology: { node: nodes, library: {}, versions: { producer: 1645 } },
		weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: specs }]
	};
	const weights = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
	parts.reduce((at, p) => (weights.set(p, at), at + p.length), 0);
	model.dispose();
	return { json: new TextEncoder().encode(JSON.stringify(doc)), weights: new Uint8Array(weights.buffer) };
}
