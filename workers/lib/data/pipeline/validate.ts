import { KilnError } from '$shared/errors';

/**
 * Checks for pipeline JSON coming from storage, an import or the UI: every problem names the
 * path ("steps[2].bins") and what was expected, so a hand-edited or damaged pipeline is refused
 * with a message instead of failing later on a row.
 */
export type Raw = Record<string, unknown>;

export function invalid(at: string, message: string): never {
	throw new KilnError('PipelineError', `${at}: ${message}`);
}

export function object(value: unknown, at: string): Raw {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(at, 'expected an object.');
	return value as Raw;
}

export function text(raw: Raw, key: string, at: string, options: { empty?: boolean; max?: number } = {}): string {
	const value = raw[key];
	if (typeof value !== 'string') return invalid(`${at}.${key}`, 'expected text.');
	if (!options.empty && value === '') invalid(`${at}.${key}`, 'must not be empty.');
	if (value.length > (options.max ?? 10_000)) invalid(`${at}.${key}`, `at most ${options.max ?? 10_000} characters.`);
	return value;
}

export function texts(raw: Raw, key: string, at: string, options: { min?: number } = {}): string[] {
	const value = raw[key];
	if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) return invalid(`${at}.${key}`, 'expected a list of column names.');
	if (value.length < (options.min ?? 0)) invalid(`${at}.${key}`, `expected at least ${options.min} name${options.min === 1 ? '' : 's'}.`);
	if (new Set(value).size !== value.length) invalid(`${at}.${key}`, 'a name is listed twice.');
	return value as string[];
}

export function number(raw: Raw, key: string, at: string, options: { min?: number; max?: number; integer?: boolean } = {}): number {
	const value = raw[key];
	if (typeof value !== 'number' || !Number.isFinite(value)) return invalid(`${at}.${key}`, 'expected a finite number.');
	if (options.integer && !Number.isInteger(value)) invalid(`${at}.${key}`, 'expected a whole number.');
	if (options.min !== undefined && value < options.min) invalid(`${at}.${key}`, `must be at least ${options.min}.`);
	if (options.max !== undefined && value > options.max) invalid(`${at}.${key}`, `must be at most ${options.max}.`);
	return value;
}

export function nullableNumber(raw: Raw, key: string, at: string): number | null {
	return raw[key] === null ? null : number(raw, key, at);
}

export function boolean(raw: Raw, key: string, at: string): boolean {
	const value = raw[key];
	if (typeof value !== 'boolean') return invalid(`${at}.${key}`, 'expected true or false.');
	return value;
}

export function oneOf<T extends string>(raw: Raw, key: string, at: string, options: readonly T[]): T {
	const value = raw[key];
	if (typeof value !== 'string' || !options.includes(value as T)) return invalid(`${at}.${key}`, `expected one of ${options.map((o) => `"${o}"`).join(', ')}.`);
	return value as T;
}

/** Refuses keys the format does not define, so a typo ("colums") is not silently ignored. */
export function onlyKeys(raw: Raw, at: string, keys: readonly string[]): void {
	const extra = Object.keys(raw).filter((k) => !keys.includes(k));
	if (extra.length > 0) invalid(at, `unknown field${extra.length === 1 ? '' : 's'} ${extra.map((k) => `"${k}"`).join(', ')}; expected ${keys.join(', ')}.`);
}
