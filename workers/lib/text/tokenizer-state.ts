import { KilnError } from '$shared/errors';
import { BYTE_TOKENS } from './bpe';
import { TOKENIZER_FORMAT, TOKENIZER_VERSION, type BpeOptions, type TokenizerState } from './tokenizer';
import { SPECIALS } from './vocabulary';
import type { WordOptions } from './word-tokenizer';

/**
 * Checks a tokeniser read back from storage, a bundle or an ONNX sidecar. Every problem names
 * the field, so a damaged file is refused with a message instead of encoding text wrongly.
 */
type Raw = Record<string, unknown>;

function fail(at: string, message: string): never {
	throw new KilnError('TokenizerError', `The stored tokeniser is damaged: ${at} ${message}`);
}

function record(value: unknown, at: string): Raw {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(at, 'is not an object.');
	return value as Raw;
}

function pick<T extends string>(raw: Raw, key: string, at: string, options: readonly T[]): T {
	const v = raw[key];
	if (typeof v !== 'string' || !options.includes(v as T)) fail(`${at}.${key}`, `must be one of ${options.join(', ')}.`);
	return v as T;
}

function flag(raw: Raw, key: string, at: string): boolean {
	if (typeof raw[key] !== 'boolean') fail(`${at}.${key}`, 'must be true or false.');
	return raw[key] as boolean;
}

function count(raw: Raw, key: string, at: string): number {
	const v = raw[key];
	if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 1_000_000) fail(`${at}.${key}`, 'must be a whole number from 1 to 1,000,000.');
	return v as number;
}

function strings(value: unknown, at: string): string[] {
	if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) fail(at, 'must be a list of non-empty texts.');
	return value as string[];
}

export function validateTokenizerState(value: unknown): TokenizerState {
	const raw = record(value, 'tokenizer');
	if (raw.format !== TOKENIZER_FORMAT) fail('format', `must be "${TOKENIZER_FORMAT}".`);
	if (raw.version !== TOKENIZER_VERSION) fail('version', `${String(raw.version)} is not a version this Kiln reads (${TOKENIZER_VERSION}).`);
	const kind = pick(raw, 'kind', 'tokenizer', ['word', 'bpe'] as const);
	const o = record(raw.options, 'options');
	const vocabulary = strings(raw.vocabulary, 'vocabulary');
	if (vocabulary[0] !== SPECIALS[0] || vocabulary[1] !== SPECIALS[1]) fail('vocabulary', `must start with ${SPECIALS.join(' and ')}.`);
	if (new Set(vocabulary).size !== vocabulary.length) fail('vocabulary', 'lists a token twice.');
	const base = { form: pick(o, 'form', 'options', ['NFC', 'NFKC'] as const), lowercase: flag(o, 'lowercase', 'options'), maxChars: count(o, 'maxChars', 'options') };
	const head = { format: TOKENIZER_FORMAT, version: TOKENIZER_VERSION } as const;
	if (kind === 'word') {
		const options: WordOptions = { ...base, punctuation: pick(o, 'punctuation', 'options', ['keep', 'drop'] as const), numbers: pick(o, 'numbers', 'options', ['keep', 'normalise'] as const) };
		return { ...head, kind, options, vocabulary };
	}
	const options: BpeOptions = { ...base, fallback: pick(o, 'fallback', 'options', ['bytes', 'unk'] as const) };
	if (options.fallback === 'bytes' && BYTE_TOKENS.some((t, i) => vocabulary[SPECIALS.length + i] !== t)) fail('vocabulary', 'lacks the 256 byte tokens its byte fallback needs.');
	if (!Array.isArray(raw.merges)) fail('merges', 'must be a list of [left, right] pairs.');
	const known = new Set(vocabulary);
	const merges = (raw.merges as unknown[]).map((m, i) => {
		const pair = strings(m, `merges[${i}]`);
		if (pair.length !== 2) fail(`merges[${i}]`, 'must be a [left, right] pair.');
		if (!known.has(pair[0] + pair[1])) fail(`merges[${i}]`, `makes "${pair[0] + pair[1]}", which is not in the vocabulary.`);
		return [pair[0], pair[1]] as [string, string];
	});
	return { ...head, kind, options, vocabulary, merges };
}

/** JSON text → a checked tokeniser state. */
export function parseTokenizerState(json: string): TokenizerState {
	let value: unknown;
	try {
		value = JSON.parse(json);
	} catch {
		throw new KilnError('TokenizerError', 'The stored tokeniser is not valid JSON.');
	}
	return validateTokenizerState(value);
}
