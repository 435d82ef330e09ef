/**
 * Encryption at rest for a locked project, on WebCrypto (crypto.subtle, in pages, workers and
 * Node ≥ 20). A passphrase becomes an AES-GCM-256 key through PBKDF2-SHA-256 with a random 16-byte
 * salt and at least 600,000 iterations (OWASP's 2023 figure for PBKDF2-HMAC-SHA256); every record
 * gets a fresh random 12-byte IV, and GCM's tag makes any change to a record detectable.
 *
 * The lock record (salt, iterations and a key-check value) is stored in the clear beside the data.
 * The check value is a known constant encrypted under the key, so a wrong passphrase is detected
 * before anything is read or written.
 */
import { KilnError } from '$shared/errors';
import { decodeValue, encodeValue } from './envelope';
import type { EncryptedRecord, ProjectLock } from './types';

export const MIN_ITERATIONS = 600_000;
const CHECK_TEXT = 'kiln key check v1';
const IV_BYTES = 12;

function subtle(): SubtleCrypto {
	const s = globalThis.crypto?.subtle;
	if (!s) throw new KilnError('CryptoError', 'This browser cannot encrypt (WebCrypto is missing; it needs a secure https:// or localhost page).');
	return s;
}

function randomBytes(n: number): Uint8Array<ArrayBuffer> {
	return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

async function deriveKey(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
	const material = await subtle().importKey('raw', new TextEncoder().encode(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveKey']);
	// Not extractable: the raw key cannot be read back out of the CryptoKey, even by Kiln's own code.
	return subtle().deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

function checkPassphrase(passphrase: string): void {
	if (typeof passphrase !== 'string' || passphrase.length === 0) throw new KilnError('CryptoError', 'Enter a passphrase.');
}

/**
 * A new lock for a project: a random salt, the iteration count and a key-check value, plus the
 * key itself. Store the lock in the clear; keep the key in memory only.
 */
export async function createLock(passphrase: string, iterations = MIN_ITERATIONS): Promise<{ lock: ProjectLock; key: CryptoKey }> {
	checkPassphrase(passphrase);
	if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS) throw new KilnError('CryptoError', `PBKDF2 needs at least ${MIN_ITERATIONS.toLocaleString('en-US')} iterations.`);
	const salt = randomBytes(16);
	const key = await deriveKey(passphrase, salt, iterations);
	const check = await encryptBytes(key, new TextEncoder().encode(CHECK_TEXT));
	return { lock: { version: 1, kdf: 'PBKDF2-SHA-256', cipher: 'AES-GCM-256', salt, iterations, check }, key };
}

/** The key for a lock, or CryptoError when the passphrase is wrong (nothing is read or changed). */
export async function unlock(passphrase: string, lock: ProjectLock): Promise<CryptoKey> {
	checkPassphrase(passphrase);
	if (lock?.version !== 1 || lock.kdf !== 'PBKDF2-SHA-256' || lock.cipher !== 'AES-GCM-256' || !(lock.salt instanceof Uint8Array) || !(lock.iterations >= 1)) {
		throw new KilnError('CryptoError', 'This project’s lock record is damaged or from a newer version of Kiln, so it cannot be unlocked here.');
	}
	const key = await deriveKey(passphrase, new Uint8Array(lock.salt), lock.iterations);
	let text = '';
	try {
		text = new TextDecoder().decode(await decryptBytes(key, lock.check));
	} catch {
		text = '';
	}
	if (text !== CHECK_TEXT) throw new KilnError('CryptoError', 'The passphrase is wrong. Check it (it is case-sensitive) and try again; nothing was changed.');
	return key;
}

function toBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array<ArrayBuffer> {
	const view = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
	// WebCrypto wants a BufferSource backed by an ArrayBuffer (not a SharedArrayBuffer).
	return view.buffer instanceof ArrayBuffer ? (view as Uint8Array<ArrayBuffer>) : new Uint8Array(view);
}

/**
 * `context` (e.g. "chunks/<datasetId>/3") is bound to the record as GCM additional data: the same
 * context must be given to decrypt, so a record copied into another slot fails its check.
 */
function params(iv: Uint8Array<ArrayBuffer>, context?: string): AesGcmParams {
	return context === undefined ? { name: 'AES-GCM', iv } : { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(context) };
}

export async function encryptBytes(key: CryptoKey, data: ArrayBuffer | ArrayBufferView, context?: string): Promise<EncryptedRecord> {
	const iv = randomBytes(IV_BYTES);
	const ciphertext = await subtle().encrypt(params(iv, context), key, toBytes(data));
	return { v: 1, iv, data: ciphertext };
}

export async function decryptBytes(key: CryptoKey, record: EncryptedRecord, context?: string): Promise<ArrayBuffer> {
	if (record?.v !== 1 || !(record.iv instanceof Uint8Array) || record.iv.byteLength !== IV_BYTES || !(record.data instanceof ArrayBuffer)) {
		throw new KilnError('CryptoError', 'This stored record is not an encrypted Kiln record; it may be damaged.');
	}
	try {
		return await subtle().decrypt(params(new Uint8Array(record.iv), context), key, record.data);
	} catch {
		// GCM's authentication tag failed: the bytes were changed, or another key encrypted them.
		throw new KilnError('CryptoError', 'A stored record failed its integrity check: it was changed or damaged after it was encrypted, or belongs to another project or place. It was not read.');
	}
}

/** Encrypt any storable value (objects, arrays, typed arrays, ArrayBuffers, dates …). */
export async function encryptValue(key: CryptoKey, value: unknown, context?: string): Promise<EncryptedRecord> {
	return encryptBytes(key, encodeValue(value), context);
}

export async function decryptValue<T = unknown>(key: CryptoKey, record: EncryptedRecord, context?: string): Promise<T> {
	return decodeValue(await decryptBytes(key, record, context)) as T;
}

/** True for a value that encryptBytes/encryptValue produced (so a store can hold both during a migration). */
export function isEncryptedRecord(value: unknown): value is EncryptedRecord {
	const r = value as EncryptedRecord | null;
	return typeof r === 'object' && r !== null && r.v === 1 && r.iv instanceof Uint8Array && r.data instanceof ArrayBuffer && Object.keys(r).length === 3;
}
