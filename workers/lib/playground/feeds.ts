import { KilnError } from '$shared/errors';
import { isFeedable, shapeText } from './signature';
import type { ElementType, Feed, TensorSpec, TypedValues } from './types';

/** The most values one input takes from text (a 224×224×3 picture is 150,528). */
export const MAX_VALUES = 4_000_000;

interface Parsed {
	values: (number | boolean)[];
	/** The nesting of a JSON array, when the text was one; null for a flat list. */
	shape: number[] | null;
}

/** Shape of a rectangular nested array; a ragged one is an error naming the input. */
function nestedShape(value: unknown, name: string): number[] {
	if (!Array.isArray(value)) return [];
	const inner = value.map((v) => nestedShape(v, name));
	for (const s of inner) {
		if (s.join() !== inner[0].join()) throw new KilnError('ValidationError', `Input "${name}": the nested lists are not all the same length (a ragged array); every row needs as many values.`);
	}
	return [value.length, ...(inner[0] ?? [])];
}

function parseText(text: string, name: string): Parsed {
	const trimmed = text.trim();
	if (!trimmed) throw new KilnError('ValidationError', `Input "${name}" is empty: type its values.`);
	if (trimmed.startsWith('[')) {
		let json: unknown;
		try {
			json = JSON.parse(trimmed);
		} catch (error) {
			throw new KilnError('ValidationError', `Input "${name}" is not valid JSON (${error instanceof Error ? error.message : String(error)}). Use a nested list like [[5.1, 3.5, 1.4, 0.2]] or plain numbers separated by commas.`);
		}
		const shape = nestedShape(json, name);
		const values = (json as unknown[]).flat(Infinity) as unknown[];
		values.forEach((v, i) => {
			if (typeof v !== 'number' && typeof v !== 'boolean') throw new KilnError('ValidationError', `Input "${name}", value ${i + 1}: ${JSON.stringify(v)} is not a number.`);
		});
		return { values: values as (number | boolean)[], shape };
	}
	const cells = trimmed.split(/[\s,;]+/).filter(Boolean);
	if (cells.length > MAX_VALUES) throw new KilnError('ValidationError', `Input "${name}" has ${cells.length.toLocaleString('en-US')} values; the playground takes at most ${MAX_VALUES.toLocaleString('en-US')} per input.`);
	const values = cells.map((cell, i) => {
		if (/^(true|false)$/i.test(cell)) return cell.toLowerCase() === 'true';
		const v = Number(cell);
		if (Number.isNaN(v) && !/^nan$/i.test(cell)) throw new KilnError('ValidationError', `Input "${name}", value ${i + 1}: "${cell}" is not a number.`);
		return v;
	});
	return { values, shape: null };
}

/**
 * Concrete dims for `count` values: fixed sizes must match; free sizes (a name or '?') are 1,
 * except the last free one, which takes the rest. Nested JSON gives its own shape, which must
 * fit the spec (a missing leading batch size is taken as 1).
 */
export function resolveDims(spec: TensorSpec, count: number, shape: number[] | null = null): number[] {
	const expected = `${shapeText(spec.dims)}${spec.dims.some((d) => typeof d === 'string') ? ' (named sizes are free)' : ''}`;
	const fail = (what: string) => new KilnError('ValidationError', `Input "${spec.name}" expects shape ${expected}; ${what}.`);
	if (shape && shape.length > 0) {
		const full = shape.length === spec.dims.length - 1 && typeof spec.dims[0] === 'string' ? [1, ...shape] : shape;
		if (full.length !== spec.dims.length) throw fail(`the values given have shape [${shape.join(', ')}]`);
		full.forEach((size, axis) => {
			const want = spec.dims[axis];
			if (typeof want === 'number' && want !== size) throw fail(`the values given have shape [${shape.join(', ')}] (axis ${axis} is ${size}, not ${want})`);
		});
		return full;
	}
	const fixed = spec.dims.reduce<number>((p, d) => (typeof d === 'number' ? p * d : p), 1);
	const free = spec.dims.map((d, axis) => (typeof d === 'string' ? axis : -1)).filter((a) => a >= 0);
	if (free.length === 0) {
		if (count !== fixed) throw fail(`${count} value${count === 1 ? ' was' : 's were'} given, it takes exactly ${fixed}`);
		return spec.dims as number[];
	}
	if (count === 0 || count % fixed !== 0) throw fail(`${count} values were given, which is not a multiple of ${fixed}`);
	const last = free[free.length - 1];
	return spec.dims.map((d, axis) => (typeof d === 'number' ? d : axis === last ? count / fixed : 1));
}

const RANGES: Partial<Record<ElementType, [number, number]>> = { uint8: [0, 255], int8: [-128, 127], int32: [-(2 ** 31), 2 ** 31 - 1], int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] };

/** Values into the input's element type; a value that does not fit names the input and position. */
export function typedValues(values: ArrayLike<number | boolean>, type: ElementType, name: string): TypedValues {
	const n = values.length;
	const range = RANGES[type];
	const number = (i: number): number => {
		const v = Number(values[i]);
		if (type === 'bool') return v ? 1 : 0;
		if (range && (!Number.isInteger(v) || v < range[0] || v > range[1])) {
			throw new KilnError('ValidationError', `Input "${name}", value ${i + 1}: ${String(values[i])} is not a whole number from ${range[0]} to ${range[1]} (the input takes ${type}).`);
		}
		return v;
	};
	switch (type) {
		case 'float32': return Float32Array.from({ length: n }, (_, i) => Number(values[i]));
		case 'float64': return Float64Array.from({ length: n }, (_, i) => Number(values[i]));
		case 'int32': return Int32Array.from({ length: n }, (_, i) => number(i));
		case 'int64': return BigInt64Array.from({ length: n }, (_, i) => BigInt(number(i)));
		case 'int8': return Int8Array.from({ length: n }, (_, i) => number(i));
		case 'uint8':
		case 'bool': return Uint8Array.from({ length: n }, (_, i) => number(i));
	}
}

/** A feed for `spec` from its text: JSON (nested lists) or numbers separated by commas, spaces or lines. */
export function feedFromText(spec: TensorSpec, text: string): Feed {
	if (!isFeedable(spec.type)) throw new KilnError('ValidationError', `Input "${spec.name}" takes ${spec.type}, which the playground cannot feed.`);
	const parsed = parseText(text, spec.name);
	const dims = resolveDims(spec, parsed.values.length, parsed.shape);
	return { name: spec.name, type: spec.type, dims, data: typedValues(parsed.values, spec.type, spec.name) };
}

/** A feed for `spec` from a row-major batch (CSV rows, a picture): dims fixed by the caller. */
export function feedFromNumbers(spec: TensorSpec, values: Float32Array, dims: number[]): Feed {
	if (!isFeedable(spec.type)) throw new KilnError('ValidationError', `Input "${spec.name}" takes ${spec.type}, which the playground cannot feed.`);
	return { name: spec.name, type: spec.type, dims, data: spec.type === 'float32' ? values : typedValues(values, spec.type, spec.name) };
}

/** Every input fed from its text; inputs with no text are named together. */
export function feedsFromTexts(inputs: TensorSpec[], texts: Record<string, string>): Feed[] {
	const missing = inputs.filter((s) => !(texts[s.name] ?? '').trim()).map((s) => `"${s.name}"`);
	if (missing.length > 0) throw new KilnError('ValidationError', `Give values for input${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`);
	return inputs.map((spec) => feedFromText(spec, texts[spec.name]));
}

/** Batch size of a set of feeds (their first axis), for reports. */
export const batchOf = (feeds: Feed[]): number => feeds[0]?.dims[0] ?? 1;
