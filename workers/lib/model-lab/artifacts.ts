import type { ModelArtifacts } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { CLASSIC_FAMILIES, type ClassicFamily, type ClassicModel } from '$workers/lib/models/types';

/**
 * A classic model stored as the protocol's ModelArtifacts, so the models store, project bundles
 * and every place that carries a model carry it unchanged: the topology holds the model's plain
 * fields, each typed array is a slice of one weight buffer (8-byte aligned, bytes kept exactly,
 * float64 included; the manifest calls it int32 words because bundles accept float32/int32 only).
 */
export const CLASSIC_FORMAT = 'kiln-classic-model';
const WEIGHT_NAME = 'kiln-classic-model/arrays';

const TYPES = { Float32Array, Float64Array, Int32Array, Uint8Array, Uint16Array, Uint32Array } as const;
type TypedName = keyof typeof TYPES;
type Typed = InstanceType<(typeof TYPES)[TypedName]>;

interface ArrayRef {
	$array: TypedName;
	offset: number;
	length: number;
}

export interface ClassicTopology {
	format: typeof CLASSIC_FORMAT;
	version: 1;
	family: ClassicFamily;
	model: unknown;
}

function typedName(value: unknown): TypedName | null {
	for (const name of Object.keys(TYPES) as TypedName[]) if (value instanceof TYPES[name]) return name;
	return null;
}

export function classicToArtifacts(model: ClassicModel): ModelArtifacts {
	const arrays: { ref: ArrayRef; data: Typed }[] = [];
	let bytes = 0;
	const walk = (value: unknown): unknown => {
		const name = typedName(value);
		if (name) {
			const data = value as Typed;
			const ref: ArrayRef = { $array: name, offset: bytes, length: data.length };
			arrays.push({ ref, data });
			bytes += Math.ceil(data.byteLength / 8) * 8;
			return ref;
		}
		if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
		if (Array.isArray(value)) return value.map(walk);
		if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
		return value;
	};
	const skeleton = walk(model);
	const buffer = new ArrayBuffer(bytes);
	for (const { ref, data } of arrays) new Uint8Array(buffer, ref.offset, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
	const topology: ClassicTopology = { format: CLASSIC_FORMAT, version: 1, family: model.family, model: skeleton };
	return { modelTopology: topology, weightSpecs: [{ name: WEIGHT_NAME, shape: [bytes / 4], dtype: 'int32' }], weightData: buffer };
}

export function isClassicArtifacts(artifacts: ModelArtifacts): boolean {
	return (artifacts.modelTopology as Partial<ClassicTopology> | null)?.format === CLASSIC_FORMAT;
}

/** The family of a stored model, or null for a network (linear layer, MLP, text model). */
export function classicFamilyOf(artifacts: ModelArtifacts): ClassicFamily | null {
	return isClassicArtifacts(artifacts) ? (artifacts.modelTopology as ClassicTopology).family : null;
}

export function classicFromArtifacts(artifacts: ModelArtifacts): ClassicModel {
	const topology = artifacts.modelTopology as Partial<ClassicTopology> | null;
	const fail = (why: string) => new KilnError('ModelFormatError', `This stored model cannot be read as a Kiln classic model: ${why}.`);
	if (topology?.format !== CLASSIC_FORMAT || topology.version !== 1) throw fail(`format "${String(topology?.format)}", version ${String(topology?.version)}`);
	if (!CLASSIC_FAMILIES.includes(topology.family as ClassicFamily)) throw fail(`unknown family "${String(topology.family)}"`);
	const buffer = artifacts.weightData;
	const read = (value: unknown): unknown => {
		if (Array.isArray(value)) return value.map(read);
		if (!value || typeof value !== 'object') return value;
		const o = value as Record<string, unknown>;
		if (typeof o.$number === 'string') return Number(o.$number);
		if (typeof o.$array === 'string') {
			const Type = TYPES[o.$array as TypedName];
			const offset = o.offset as number;
			const length = o.length as number;
			if (!Type || !Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset % 8 !== 0 || offset + length * Type.BYTES_PER_ELEMENT > buffer.byteLength) throw fail(`an array reference (${o.$array} at ${String(offset)}) is outside the ${buffer.byteLength}-byte weight buffer`);
			// A copy: the model must not alias a buffer a caller may transfer.
			return new Type(buffer.slice(offset, offset + length * Type.BYTES_PER_ELEMENT));
		}
		return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, read(v)]));
	};
	const model = read(topology.model) as Partial<ClassicModel>;
	if (model.family !== topology.family || typeof model.inputSize !== 'number' || typeof model.outputs !== 'number') throw fail('its fields do not describe a model');
	return model as ClassicModel;
}
