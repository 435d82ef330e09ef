/**
 * A byte encoding for the values Kiln stores (plain objects, arrays, strings, numbers, typed
 * arrays, ArrayBuffers, Dates, undefined, NaN/±Infinity/-0), so a record can be encrypted as one
 * buffer and come back with its typed arrays intact. JSON alone would turn a Float32Array into an
 * object of numbered keys and NaN into null.
 *
 * Layout: "KENV" · u32 version · u32 JSON byte length · JSON (UTF-8) · padding to 8 · binary parts.
 * In the JSON, special values are objects whose single key starts with NUL ("\u0000b" binary part,
 * "\u0000n" number, "\u0000d" date, "\u0000u" undefined); a real key starting with NUL is escaped by
 * doubling the NUL, so no stored value can be mistaken for a marker.
 */
import { KilnError } from '$shared/errors';

const MAGIC = 0x4b454e56; // "KENV"
const VERSION = 1;

const TYPED = {
	Int8Array,
	Uint8Array,
	Uint8ClampedArray,
	Int16Array,
	Uint16Array,
	Int32Array,
	Uint32Array,
	Float32Array,
	Float64Array,
	BigInt64Array,
	BigUint64Array
} as const;
type TypedName = keyof typeof TYPED;

interface BinaryPart {
	kind: TypedName | 'ArrayBuffer' | 'DataView';
	offset: number;
	length: number;
}

const align8 = (n: number) => (n + 7) & ~7;

/**
 * An own data property even for the key `__proto__`, which plain assignment would turn into a
 * prototype change — the record would lose that field (found by the property test).
 */
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
	Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

export function encodeValue(value: unknown): ArrayBuffer {
	const parts: { kind: BinaryPart['kind']; bytes: Uint8Array }[] = [];
	const seen = new Set<object>();
	const walk = (v: unknown, path: string): unknown => {
		if (v === undefined) return { '\u0000u': 1 };
		if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
		if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0) ? v : { '\u0000n': String(Object.is(v, -0) ? '-0' : v) };
		if (typeof v !== 'object') throw new KilnError('CryptoError', `Cannot store ${typeof v} at ${path}: only data values can be encrypted.`);
		if (v instanceof Date) return { '\u0000d': v.getTime() };
		if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) {
			const kind: BinaryPart['kind'] = v instanceof ArrayBuffer ? 'ArrayBuffer' : v instanceof DataView ? 'DataView' : (v.constructor.name as TypedName);
			if (!(kind in TYPED) && kind !== 'ArrayBuffer' && kind !== 'DataView') throw new KilnError('CryptoError', `Cannot store a ${kind} at ${path}.`);
			const bytes = v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
			parts.push({ kind, bytes });
			return { '\u0000b': parts.length - 1 };
		}
		if (seen.has(v)) throw new KilnError('CryptoError', `The value at ${path} refers to itself; it cannot be stored.`);
		seen.add(v);
		let out: unknown;
		if (Array.isArray(v)) out = v.map((item, i) => walk(item, `${path}[${i}]`));
		else {
			const proto = Object.getPrototypeOf(v);
			if (proto !== Object.prototype && proto !== null) throw new KilnError('CryptoError', `Cannot store a ${(v as object).constructor?.name ?? 'class instance'} at ${path}: only plain objects, arrays and typed arrays can be encrypted.`);
			const obj: Record<string, unknown> = {};
			for (const [key, item] of Object.entries(v)) setOwn(obj, key.startsWith('\u0000') ? `\u0000${key}` : key, walk(item, `${path}.${key}`));
			out = obj;
		}
		seen.delete(v);
		return out;
	};
	const tree = walk(value, 'the record');
	let offset = 0;
	const table: BinaryPart[] = parts.map((p) => {
		const entry = { kind: p.kind, offset, length: p.bytes.byteLength };
		offset = align8(offset + p.bytes.byteLength);
		return entry;
	});
	const json = new TextEncoder().encode(JSON.stringify({ tree, parts: table }));
	const start = align8(12 + json.byteLength);
	const buffer = new ArrayBuffer(start + offset);
	const view = new DataView(buffer);
	view.setUint32(0, MAGIC);
	view.setUint32(4, VERSION);
	view.setUint32(8, json.byteLength);
	const bytes = new Uint8Array(buffer);
	bytes.set(json, 12);
	parts.forEach((p, i) => bytes.set(p.bytes, start + table[i].offset));
	return buffer;
}

export function decodeValue(buffer: ArrayBuffer): unknown {
	const broken = (): never => {
		throw new KilnError('CryptoError', 'The decrypted record is not in Kiln’s format; it may come from a newer version of Kiln.');
	};
	if (buffer.byteLength < 12) broken();
	const view = new DataView(buffer);
	if (view.getUint32(0) !== MAGIC || view.getUint32(4) !== VERSION) broken();
	const length = view.getUint32(8);
	if (12 + length > buffer.byteLength) broken();
	const { tree, parts } = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 12, length))) as { tree: unknown; parts: BinaryPart[] };
	const start = align8(12 + length);
	const binary = (index: number): unknown => {
		const part = parts[index];
		if (!part || start + part.offset + part.length > buffer.byteLength) broken();
		// Copy so each part owns an aligned buffer of its own, as structured clone would give.
		const copy = buffer.slice(start + part.offset, start + part.offset + part.length);
		if (part.kind === 'ArrayBuffer') return copy;
		if (part.kind === 'DataView') return new DataView(copy);
		const Typed = TYPED[part.kind];
		if (!Typed) broken();
		return new Typed(copy);
	};
	const walk = (v: unknown): unknown => {
		if (v === null || typeof v !== 'object') return v;
		if (Array.isArray(v)) return v.map(walk);
		const obj = v as Record<string, unknown>;
		const keys = Object.keys(obj);
		if (keys.length === 1 && keys[0].length === 2 && keys[0][0] === '\u0000') {
			const payload = obj[keys[0]];
			switch (keys[0][1]) {
				case 'u':
					return undefined;
				case 'n':
					return payload === '-0' ? -0 : Number(payload);
				case 'd':
					return new Date(payload as number);
				case 'b':
					return binary(payload as number);
			}
		}
		const out: Record<string, unknown> = {};
		for (const key of keys) setOwn(out, key.startsWith('\u0000') ? key.slice(1) : key, walk(obj[key]));
		return out;
	};
	return walk(tree);
}
