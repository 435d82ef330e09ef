import type { Preprocessing, Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { findColumn } from '$shared/table';
import { DataType, GraphBuilder, decodeModel } from './onnx-builder';
import { embedModel, graphSignature } from './onnx-compose';
import { NUMERIC_INPUT, codeInput } from './preprocess-sidecar';
import type { OnnxFeeds, PipelineOnnxOptions } from './types';

/**
 * Kiln's fitted preprocessing as ONNX ops, alone or in front of a model, so a raw row becomes a
 * label entirely inside onnxruntime.
 *
 * Inputs (names also listed in the sidecar's `onnxInputs`):
 * - `numeric` float [N, numeric features]: raw values of the numeric features, in the order they
 *   appear in `prep.features`; NaN = missing (becomes the training mean, i.e. 0 after scaling).
 * - `code:<feature>` int64 [N], one per categorical feature: the index of the value in that
 *   feature's `categories`; any negative number = missing (takes the `fill` category); a number
 *   ≥ categories.length = a value the model never saw (all zeros). `pipelineFeeds` builds these.
 * Output of the preprocessing alone: `features` float [N, inputSize], equal to encodeFeatures.
 */

function addPreprocessing(g: GraphBuilder, prep: Preprocessing, numericType: 'float' | 'double' = 'float'): string {
	const numeric = prep.features.flatMap((f, i) => (f.kind === 'numeric' ? [{ f, i }] : []));
	let scaled = '';
	if (numeric.length > 0) {
		const double = numericType === 'double';
		const type = double ? DataType.DOUBLE : DataType.FLOAT;
		const values = (hint: string, v: number[], dims = [v.length]) => g.initializer(hint, type, dims, double ? Float64Array.from(v) : Float32Array.from(v));
		const x = g.input(NUMERIC_INPUT, type, ['N', numeric.length]);
		const means = values('means', numeric.map(({ f }) => (f.kind === 'numeric' ? f.mean : 0)));
		const stds = values('stds', numeric.map(({ f }) => (f.kind === 'numeric' ? f.std : 1)));
		const z = g.node('Div', [g.node('Sub', [x, means]), stds]);
		scaled = g.node('Where', [g.node('IsNaN', [x]), values('zero', [0], []), z]);
		if (double) scaled = g.node('Cast', [scaled], { to: { i: DataType.FLOAT } });
	}
	const pieces: string[] = [];
	let column = 0;
	for (let i = 0; i < prep.features.length; ) {
		const f = prep.features[i];
		if (f.kind === 'numeric') {
			// A run of numeric features is one slice of the scaled matrix.
			let end = i;
			while (end < prep.features.length && prep.features[end].kind === 'numeric') end++;
			const axes = g.int64('axis1', [1]);
			pieces.push(g.node('Slice', [scaled, g.int64('start', [column]), g.int64('end', [column + end - i]), axes]));
			column += end - i;
			i = end;
			continue;
		}
		i++;
		if (f.kind !== 'categorical') continue;
		const code = g.input(codeInput(f.name), DataType.INT64, ['N']);
		if (f.categories.length === 0) continue;
		const filled = g.node('Where', [g.node('Less', [code, g.int64('zero', [0], [])]), g.int64('fill', [f.fill], []), code]);
		const column2d = g.node('Unsqueeze', [filled, g.int64('axes', [1])]);
		const slots = g.int64('slots', Array.from({ length: f.categories.length }, (_, k) => k), [1, f.categories.length]);
		pieces.push(g.node('Cast', [g.node('Equal', [column2d, slots])], { to: { i: DataType.FLOAT } }));
	}
	if (pieces.length === 0) throw new KilnError('ExportError', 'The preprocessing encodes to no inputs; there is nothing to export.');
	return pieces.length === 1 ? pieces[0] : g.node('Concat', pieces, { axis: { i: 1 } });
}

/** The preprocessing alone: raw inputs → `features` [N, inputSize]. */
export function exportPreprocessingOnnx(prep: Preprocessing): Uint8Array {
	const g = new GraphBuilder(13);
	g.claimOutput('features');
	g.output(addPreprocessing(g, prep), 'features', DataType.FLOAT, ['N', prep.inputSize]);
	return g.encode('preprocessing', 'Kiln preprocessing: standardised numbers, one-hot categories.');
}

/**
 * Preprocessing + model + decoding in one graph. The model must take one float input
 * [N, inputSize] (every exporter here makes such models from Kiln's runs). Outputs:
 * classification `probabilities` [N, classes], `label_index` int64 [N] and `label` string [N];
 * regression `prediction` float [N, 1] in the target's original units.
 */
export function exportPipelineOnnx(prep: Preprocessing, model: Uint8Array, options: PipelineOnnxOptions = {}): Uint8Array {
	const signature = graphSignature(decodeModel(model));
	if (signature.inputs.length !== 1) throw new KilnError('ExportError', `The model has ${signature.inputs.length} inputs; a pipeline needs a model with one feature input.`);
	const input = signature.inputs[0];
	const width = input.dims.at(-1);
	if (input.elemType !== DataType.FLOAT || input.dims.length !== 2 || (typeof width === 'number' && width !== prep.inputSize)) {
		throw new KilnError('ExportError', `The model input "${input.name}" is [${input.dims.join(', ')}] but the preprocessing makes [N, ${prep.inputSize}] floats.`);
	}
	const outputName = options.outputName ?? (signature.outputs.some((o) => o.name === 'probabilities') ? 'probabilities' : signature.outputs[0]?.name);
	if (!signature.outputs.some((o) => o.name === outputName)) throw new KilnError('ExportError', `The model has no output "${String(outputName)}".`);

	const g = new GraphBuilder(13);
	const outputs = prep.target.task === 'classification' ? ['probabilities', 'label_index', 'label'] : ['prediction'];
	outputs.forEach((name) => g.claimOutput(name));
	const features = addPreprocessing(g, prep, options.numericType);
	const modelOut = embedModel(g, model, 'model/', { [input.name]: features })[outputName];
	const target = prep.target;
	if (target.task === 'regression') {
		// Kiln's neural and linear models predict the standardised target.
		const value = options.standardisedTarget === false ? modelOut : g.node('Add', [g.node('Mul', [modelOut, g.float('target_std', [target.std], [])]), g.float('target_mean', [target.mean], [])]);
		g.output(value, 'prediction', DataType.FLOAT, ['N', 1]);
		return g.encode('pipeline', 'Kiln pipeline: preprocessing, model and decoding.');
	}
	const kind = options.modelOutput ?? (outputName === 'probabilities' ? 'probabilities' : 'logits');
	const probabilities = kind === 'logits' ? g.node('Softmax', [modelOut], { axis: { i: -1 } }) : modelOut;
	const index = g.node('ArgMax', [probabilities], { axis: { i: 1 }, keepdims: { i: 0 } });
	g.output(probabilities, 'probabilities', DataType.FLOAT, ['N', target.classes.length]);
	g.output(index, 'label_index', DataType.INT64, ['N']);
	g.output(g.node('Gather', [g.strings('classes', target.classes), index], { axis: { i: 0 } }), 'label', DataType.STRING, ['N']);
	return g.encode('pipeline', 'Kiln pipeline: preprocessing, model and decoding.');
}


/** Table rows → the raw inputs the ONNX preprocessing expects (see the layout above). */
export function pipelineFeeds(prep: Preprocessing, table: Table, rows: ArrayLike<number>, numericType: 'float' | 'double' = 'float'): OnnxFeeds {
	const n = rows.length;
	const numeric = prep.features.filter((f) => f.kind === 'numeric');
	const feeds: OnnxFeeds = {};
	if (numeric.length > 0) {
		const data = numericType === 'double' ? new Float64Array(n * numeric.length) : new Float32Array(n * numeric.length);
		numeric.forEach((f, j) => {
			const column = findColumn(table, f.name);
			if (column.kind !== 'numeric') throw new KilnError('SchemaMismatchError', `Column "${f.name}" holds text, but the model was trained on numbers there.`);
			for (let i = 0; i < n; i++) data[i * numeric.length + j] = column.values[rows[i]];
		});
		feeds[NUMERIC_INPUT] = data instanceof Float64Array ? { type: 'float64', data, dims: [n, numeric.length] } : { type: 'float32', data, dims: [n, numeric.length] };
	}
	for (const f of prep.features) {
		if (f.kind !== 'categorical') continue;
		const column = findColumn(table, f.name);
		if (column.kind !== 'categorical') throw new KilnError('SchemaMismatchError', `Column "${f.name}" holds numbers, but the model was trained on text there.`);
		const slots = new Map(f.categories.map((c, k) => [c, k]));
		const toSlot = column.categories.map((c) => slots.get(c) ?? f.categories.length);
		const data = new BigInt64Array(n);
		for (let i = 0; i < n; i++) {
			const code = column.codes[rows[i]];
			data[i] = BigInt(code < 0 ? -1 : toSlot[code]);
		}
		feeds[codeInput(f.name)] = { type: 'int64', data, dims: [n] };
	}
	return feeds;
}
