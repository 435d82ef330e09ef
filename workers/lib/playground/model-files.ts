import { unzipSync } from 'fflate';
import { KilnError } from '$shared/errors';

/** A file as the worker read it. */
export interface PickedFile {
	name: string;
	bytes: Uint8Array;
}

export interface LayersArtifacts {
	modelTopology: object;
	weightSpecs: WeightSpec[];
	weightData: ArrayBuffer;
}

/** A graph model's files as tfjs-converter reads them; the signature names its inputs and outputs. */
export interface GraphArtifacts extends LayersArtifacts {
	format: 'graph-model';
	signature?: object;
	modelInitializer?: object;
	userDefinedMetadata?: Record<string, unknown>;
}

interface WeightSpec {
	name: string;
	shape: number[];
	dtype: string;
	quantization?: { dtype: string };
}

export type ModelFiles =
	| { kind: 'onnx'; fileName: string; bytes: Uint8Array }
	| { kind: 'tfjs-layers'; fileName: string; bytes: number; artifacts: LayersArtifacts }
	| { kind: 'tfjs-graph'; fileName: string; bytes: number; artifacts: GraphArtifacts };

const BYTES_PER: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, int8: 1, complex64: 8 };
const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path;
const lower = (name: string) => name.toLowerCase();

/** Entries of a zip (folders and macOS resource forks left out); a broken zip names itself. */
function unzip(file: PickedFile): PickedFile[] {
	try {
		return Object.entries(unzipSync(file.bytes))
			.filter(([path, bytes]) => !path.endsWith('/') && !path.includes('__MACOSX') && bytes.length > 0)
			.map(([path, bytes]) => ({ name: path, bytes }));
	} catch (error) {
		throw new KilnError('ModelFormatError', `"${file.name}" is not a readable zip (${error instanceof Error ? error.message : String(error)}).`);
	}
}

function parseJson(file: PickedFile): Record<string, unknown> {
	try {
		const value: unknown = JSON.parse(new TextDecoder().decode(file.bytes));
		if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
	} catch {
		// reported below
	}
	throw new KilnError('ModelFormatError', `"${file.name}" is not a TensorFlow.js model.json (it is not a JSON object).`);
}

/** Bytes a weight takes in its file, quantised storage included. */
function weightBytes(spec: WeightSpec, fileName: string): number {
	const dtype = spec.quantization?.dtype ?? spec.dtype;
	const per = BYTES_PER[dtype];
	if (!per) throw new KilnError('ModelFormatError', `"${fileName}" lists weight "${spec.name}" as ${dtype}, which the playground cannot load.`);
	return (spec.shape ?? []).reduce((a, b) => a * b, 1) * per;
}

/** The weight files a manifest names (matched by file name, wherever they sat), checked and joined. */
function weightsOf(json: PickedFile, manifest: unknown[], others: PickedFile[]): { specs: WeightSpec[]; data: Uint8Array } {
	const byName = new Map(others.map((f) => [baseName(f.name), f]));
	const specs: WeightSpec[] = [];
	const parts: Uint8Array[] = [];
	for (const group of manifest as { paths?: unknown; weights?: unknown }[]) {
		const paths = Array.isArray(group?.paths) ? (group.paths as string[]) : [];
		const weights = Array.isArray(group?.weights) ? (group.weights as WeightSpec[]) : [];
		const files = paths.map((path) => {
			const file = byName.get(baseName(String(path)));
			if (!file) throw new KilnError('ModelFormatError', `The weights file "${baseName(String(path))}" named in "${json.name}" is missing. Pick model.json together with all its .bin files (or a .zip holding them).`);
			return file;
		});
		const expected = weights.reduce((n, w) => n + weightBytes(w, json.name), 0);
		const got = files.reduce((n, f) => n + f.bytes.length, 0);
		if (expected !== got) {
			throw new KilnError('ModelFormatError', `The weights file${files.length > 1 ? 's' : ''} ${files.map((f) => `"${baseName(f.name)}"`).join(', ')} hold${files.length > 1 ? '' : 's'} ${got} bytes, but "${json.name}" describes ${expected}: they belong to a different model or are cut short.`);
		}
		specs.push(...weights);
		parts.push(...files.map((f) => f.bytes));
	}
	const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	parts.reduce((at, p) => (data.set(p, at), at + p.length), 0);
	return { specs, data };
}

/** model.json (a layers model, or a graph model converted from a SavedModel) plus its weight files. */
function tfjsFiles(json: PickedFile, others: PickedFile[]): ModelFiles {
	const doc = parseJson(json);
	const topology = doc.modelTopology as Record<string, unknown> | undefined;
	if (!topology || typeof topology !== 'object') throw new KilnError('ModelFormatError', `"${json.name}" has no modelTopology, so it is not a TensorFlow.js model.json.`);
	const manifest = doc.weightsManifest;
	if (!Array.isArray(manifest)) throw new KilnError('ModelFormatError', `"${json.name}" has no weightsManifest listing its weight files.`);
	const graph = doc.format === 'graph-model' || Array.isArray(topology.node);
	if (graph && (!Array.isArray(topology.node) || topology.node.length === 0)) throw new KilnError('ModelFormatError', `"${json.name}" says it is a TensorFlow.js graph model but its modelTopology holds no graph nodes.`);
	const { specs, data } = weightsOf(json, manifest, others);
	const bytes = data.length + json.bytes.length;
	const base = { modelTopology: topology, weightSpecs: specs, weightData: data.buffer as ArrayBuffer };
	if (!graph) return { kind: 'tfjs-layers', fileName: json.name, bytes, artifacts: base };
	const object = (key: string) => (doc[key] && typeof doc[key] === 'object' ? (doc[key] as Record<string, unknown>) : undefined);
	return { kind: 'tfjs-graph', fileName: json.name, bytes, artifacts: { ...base, format: 'graph-model', signature: object('signature'), modelInitializer: object('modelInitializer'), userDefinedMetadata: object('userDefinedMetadata') } };
}

/**
 * Sort what a person picked or dropped into one model: an .onnx file, model.json with its weight
 * files, or a .zip of either. Anything else is a ModelFormatError naming the files.
 */
export function sortModelFiles(picked: PickedFile[]): ModelFiles {
	if (picked.length === 0) throw new KilnError('ModelFormatError', 'No file was picked.');
	const files = picked.flatMap((f) => (lower(f.name).endsWith('.zip') ? unzip(f) : [f]));
	const onnxFiles = files.filter((f) => lower(f.name).endsWith('.onnx') || lower(f.name).endsWith('.ort'));
	const jsonFiles = files.filter((f) => lower(f.name).endsWith('.json'));
	if (onnxFiles.length > 1) throw new KilnError('ModelFormatError', `Pick one model at a time: ${onnxFiles.map((f) => `"${baseName(f.name)}"`).join(', ')} are all ONNX files.`);
	// A JSON beside one ONNX file is a sidecar (preprocessing, labels), not a second model.
	if (onnxFiles.length === 1) return { kind: 'onnx', fileName: baseName(onnxFiles[0].name), bytes: onnxFiles[0].bytes };
	const models = jsonFiles.filter((f) => !/weights?_?manifest|metadata|tokenizer|vocab/i.test(baseName(f.name)));
	if (models.length === 1 && onnxFiles.length === 0) return tfjsFiles(models[0], files.filter((f) => f !== models[0]));
	if (models.length > 1) throw new KilnError('ModelFormatError', `Pick one model at a time: ${models.map((f) => `"${baseName(f.name)}"`).join(', ')} are all JSON files.`);
	const names = picked.map((f) => `"${f.name}"`).join(', ');
	throw new KilnError('ModelFormatError', `${names} ${picked.length > 1 ? 'are' : 'is'} not a model the playground reads. Pick an .onnx file, a TensorFlow.js model.json together with its .bin weight files, or a .zip of either.`);
}
