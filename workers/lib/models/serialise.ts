import { KilnError } from '$shared/errors';
import { CLASSIC_FAMILIES, type ClassicModel } from './types';

/**
 * Models are plain data and survive structuredClone (IndexedDB, postMessage) as they are. For text
 * (files, share links) typed arrays travel as tagged base64 of their bytes, which keeps every value
 * exact, ±Infinity and NaN included (JSON would turn them into null).
 */
const TYPES = { Float32Array, Float64Array, Int32Array, Uint8Array } as const;
type TypedName = keyof typeof TYPES;

export function serialiseClassic(model: ClassicModel): string {
	return JSON.stringify({ format: 'kiln-classic-model', version: 1, model }, (_key, value: unknown) => {
		for (const name of Object.keys(TYPES) as TypedName[]) {
			if (value instanceof TYPES[name]) return { $typed: name, base64: toBase64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
		}
		return value;
	});
}

export function deserialiseClassic(text: string): ClassicModel {
	let parsed: unknown;
	try {
		parsed = JSON.parse(text, (_key, value: unknown) => {
			if (value && typeof value === 'object' && '$typed' in value && 'base64' in value) {
				const { $typed, base64 } = value as { $typed: string; base64: string };
				if (!(($typed as TypedName) in TYPES) || typeof base64 !== 'string') throw new Error(`unknown array type ${$typed}`);
				const bytes = fromBase64(base64);
				const Type = TYPES[$typed as TypedName];
				if (bytes.byteLength % Type.BYTES_PER_ELEMENT !== 0) throw new Error(`a ${$typed} has ${bytes.byteLength} bytes`);
				return new Type(bytes.buffer as ArrayBuffer, 0, bytes.byteLength / Type.BYTES_PER_ELEMENT);
			}
			return value;
		});
	} catch (error) {
		throw new KilnError('ModelFormatError', `This is not a readable Kiln model file (${error instanceof Error ? error.message : String(error)}).`);
	}
	const envelope = parsed as { format?: unknown; version?: unknown; model?: Partial<ClassicModel> } | null;
	if (!envelope || envelope.format !== 'kiln-classic-model' || envelope.version !== 1 || !envelope.model) {
		throw new KilnError('ModelFormatError', 'This file is not a Kiln classic model (format kiln-classic-model, version 1).');
	}
	const model = envelope.model;
	if (!CLASSIC_FAMILIES.includes(model.family as ClassicModel['family']) || typeof model.inputSize !== 'number' || typeof model.outputs !== 'number') {
		throw new KilnError('ModelFormatError', `The model file names an unknown family "${String(model.family)}" or lacks its input and output sizes.`);
	}
	return model as ClassicModel;
}

function toBase64(bytes: Uint8Array): string {
	let text = '';
	// Chunks keep String.fromCharCode's argument list short.
	for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	return btoa(text);
}

function fromBase64(base64: string): Uint8Array {
	const text = atob(base64);
	const bytes = new Uint8Array(text.length);
	for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
	return bytes;
}
