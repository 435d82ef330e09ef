import type * as tfl from '@tensorflow/tfjs-layers';
import type { ModelArtifacts } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { deserializeModel } from '$workers/lib/model';
import { DataType, GraphBuilder, type Dim } from './onnx-builder';
import { fail, type LayerContext, type LayerMapper, type Shape } from './onnx-layer-context';
import { CORE_LAYERS } from './onnx-layers-core';
import { CONV_LAYERS } from './onnx-layers-conv';
import { RECURRENT_LAYERS } from './onnx-layers-recurrent';
import type { TfjsOnnxOptions } from './types';

const MAPPERS: Record<string, LayerMapper> = { ...CORE_LAYERS, ...CONV_LAYERS, ...RECURRENT_LAYERS };

/** Layer class names the exporter maps (InputLayer is implicit). */
export const SUPPORTED_LAYERS = Object.keys(MAPPERS).sort();

function dims(shape: Shape, batch: string, name: string): Dim[] {
	return shape.map((d, i) => (d !== null ? d : i === 0 ? batch : `${name}_dim${i}`));
}

/**
 * A tfjs layers model (Sequential or functional, any DAG of supported layers) as an ONNX file.
 * Inputs and outputs keep tfjs's layout and a symbolic batch dimension, so the same arrays
 * feed both runtimes.
 */
export function layersModelToOnnx(model: tfl.LayersModel, options: TfjsOnnxOptions = {}): Uint8Array {
	const opset = options.opset ?? 13;
	if (opset !== 13 && opset !== 17) throw new KilnError('ExportError', `ONNX opset ${String(opset)} is not supported; use 13 or 17.`);
	const g = new GraphBuilder(opset);
	const batch = options.batchDim ?? 'N';
	const values = new Map<number, string>();
	const inputNames = options.inputNames ?? model.inputs.map((_, i) => (model.inputs.length === 1 ? 'input' : `input_${i}`));
	const outputNames = options.outputNames ?? model.outputs.map((_, i) => (model.outputs.length === 1 ? 'output' : `output_${i}`));
	if (inputNames.length !== model.inputs.length || outputNames.length !== model.outputs.length) {
		throw new KilnError('ExportError', `The model has ${model.inputs.length} input(s) and ${model.outputs.length} output(s); give that many names.`);
	}
	outputNames.forEach((name) => g.claimOutput(name));
	model.inputs.forEach((t, i) => {
		const type = t.dtype === 'int32' ? DataType.INT32 : DataType.FLOAT;
		values.set(t.id, g.input(inputNames[i], type, dims(t.shape, batch, inputNames[i])));
	});

	// Layers come in dependency order for Sequential and functional models alike; a node whose
	// inputs are not ready yet would mean a nested or cyclic model.
	for (const layer of model.layers) {
		const className = layer.getClassName();
		if (className === 'InputLayer') continue;
		const mapper = MAPPERS[className];
		if (!mapper) {
			throw new KilnError('ExportError', `Layer "${layer.name}" (${className}) cannot be exported to ONNX: Kiln has no mapping for ${className}. Supported: ${SUPPORTED_LAYERS.join(', ')}.`);
		}
		const nodes = layer.inboundNodes.filter((n) => n.outputTensors.every((t) => !values.has(t.id)) && n.inputTensors.every((t) => values.has(t.id)));
		if (nodes.length === 0) fail({ layer, className }, 'its inputs come from outside this model');
		for (const node of nodes) {
			if (node.outputTensors.length !== 1) fail({ layer, className }, 'layers with several outputs are not supported');
			const ctx: LayerContext = {
				g,
				layer,
				className,
				config: layer.getConfig() as Record<string, unknown>,
				inputs: node.inputTensors.map((t) => values.get(t.id)!),
				inputShapes: node.inputTensors.map((t) => t.shape),
				outputShape: node.outputTensors[0].shape
			};
			values.set(node.outputTensors[0].id, mapper(ctx));
		}
	}

	model.outputs.forEach((t, i) => {
		let value = values.get(t.id);
		if (value === undefined) throw new KilnError('ExportError', `Output ${i} of the model is not produced by any exported layer.`);
		if (options.appendSoftmax) value = g.node('Softmax', [value], { axis: { i: -1 } });
		g.output(value, outputNames[i], DataType.FLOAT, dims(t.shape, batch, outputNames[i]));
	});
	return g.encode(model.name || 'kiln', 'Exported from a TensorFlow.js layers model by Kiln.');
}

/** Same as `layersModelToOnnx`, starting from Kiln's stored artifacts. */
export async function exportTfjsOnnx(artifacts: ModelArtifacts, options: TfjsOnnxOptions = {}): Promise<Uint8Array> {
	let model: tfl.LayersModel;
	try {
		model = await deserializeModel(artifacts);
	} catch (error) {
		throw new KilnError('ModelFormatError', `The model could not be loaded for export: ${error instanceof Error ? error.message : String(error)}`);
	}
	try {
		return layersModelToOnnx(model, options);
	} finally {
		model.dispose();
	}
}
