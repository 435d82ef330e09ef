import { KilnError, type ErrorKind } from '$shared/errors';

/**
 * A hand-written schema checker for untrusted JSON (share links, bundles). Every check names the
 * path of the offending value, and every accepted value is copied into a fresh object, so unknown
 * keys, `__proto__` tricks and getters never reach the caller.
 */
export class Checker {
	constructor(
		readonly kind: ErrorKind,
		/** Opening of every message, e.g. "This share link is damaged or was not made by Kiln". */
		readonly context: string
	) {}

	fail(path: string, problem: string): never {
		throw new KilnError(this.kind, `${this.context}: ${path} ${problem}.`);
	}

	/**
	 * The object's known fields. Unknown ones are an error, or with `extra: 'keep'` (records that
	 * later Kiln versions may extend) copied as they are — JSON.parse output is plain data.
	 */
	object(value: unknown, path: string, required: readonly string[], optional: readonly string[] = [], extra: 'reject' | 'keep' = 'reject'): Record<string, unknown> {
		if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, 'must be an object');
		const source = value as Record<string, unknown>;
		const out: Record<string, unknown> = {};
		for (const key of Object.keys(source)) {
			if (required.includes(key) || optional.includes(key)) continue;
			if (extra === 'reject') this.fail(path, `has an unexpected field "${key.slice(0, 40)}"`);
			// defineProperty: a key named "__proto__" stays data instead of replacing the prototype.
			Object.defineProperty(out, key, { value: source[key], enumerable: true, writable: true, configurable: true });
		}
		for (const key of required) {
			if (!Object.prototype.hasOwnProperty.call(source, key)) this.fail(path, `is missing the field "${key}"`);
			out[key] = source[key];
		}
		for (const key of optional) if (Object.prototype.hasOwnProperty.call(source, key) && source[key] !== undefined) out[key] = source[key];
		return out;
	}

	/** A string of at most `max` characters without control characters (newlines and tabs only where `multiline`). */
	string(value: unknown, path: string, max: number, options: { min?: number; multiline?: boolean } = {}): string {
		if (typeof value !== 'string') this.fail(path, 'must be text');
		const text = value as string;
		if (text.length < (options.min ?? 0)) this.fail(path, options.min === 1 ? 'must not be empty' : `must have at least ${options.min} characters`);
		if (text.length > max) this.fail(path, `is longer than ${max} characters`);
		const control = options.multiline ? /[\u0000-\u0008\u000b-\u001f\u007f]/ : /[\u0000-\u001f\u007f]/;
		if (control.test(text)) this.fail(path, 'contains control characters');
		return text;
	}

	number(value: unknown, path: string, options: { min?: number; max?: number; above?: number; integer?: boolean } = {}): number {
		if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(path, 'must be a finite number');
		const n = value as number;
		if (options.integer && !Number.isInteger(n)) this.fail(path, 'must be a whole number');
		if (options.min !== undefined && n < options.min) this.fail(path, `must be at least ${options.min}`);
		if (options.above !== undefined && n <= options.above) this.fail(path, `must be above ${options.above}`);
		if (options.max !== undefined && n > options.max) this.fail(path, `must be at most ${options.max}`);
		return n;
	}

	integer(value: unknown, path: string, min: number, max: number): number {
		return this.number(value, path, { min, max, integer: true });
	}

	boolean(value: unknown, path: string): boolean {
		if (typeof value !== 'boolean') this.fail(path, 'must be true or false');
		return value as boolean;
	}

	array(value: unknown, path: string, max: number, min = 0): unknown[] {
		if (!Array.isArray(value)) this.fail(path, 'must be a list');
		const list = value as unknown[];
		if (list.length < min) this.fail(path, `must have at least ${min} item${min === 1 ? '' : 's'}`);
		if (list.length > max) this.fail(path, `has more than ${max} items`);
		return list;
	}

	oneOf<T extends string>(value: unknown, path: string, options: readonly T[]): T {
		if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) this.fail(path, `must be one of ${options.map((o) => `"${o}"`).join(', ')}`);
		return value as T;
	}

	unique(values: string[], path: string): void {
		const seen = new Set<string>();
		for (const v of values) {
			if (seen.has(v)) this.fail(path, `lists "${v.slice(0, 40)}" twice`);
			seen.add(v);
		}
	}

	/** Every value finite (typed arrays decoded from untrusted bytes). */
	finite(values: Float32Array | Float64Array, path: string, min = -Infinity): void {
		for (let i = 0; i < values.length; i++) {
			if (!Number.isFinite(values[i]) || values[i] < min) this.fail(`${path}[${i}]`, min === -Infinity ? 'is not a finite number' : `must be a finite number of at least ${min}`);
		}
	}
}
