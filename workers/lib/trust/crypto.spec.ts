import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createLock, decryptBytes, decryptValue, encryptBytes, encryptValue, isEncryptedRecord, MIN_ITERATIONS, unlock } from './crypto';
import { decodeValue, encodeValue } from './envelope';
import type { ProjectLock } from './types';

// PBKDF2 at 600k iterations takes a noticeable fraction of a second: derive once and reuse.
let lock: ProjectLock;
let key: CryptoKey;
beforeAll(async () => {
	({ lock, key } = await createLock('correct horse battery staple'));
});

describe('lock and unlock', () => {
	it('stores a random salt, the iteration count and a key check, and unlocks with the passphrase', async () => {
		expect(lock).toMatchObject({ version: 1, kdf: 'PBKDF2-SHA-256', cipher: 'AES-GCM-256', iterations: MIN_ITERATIONS });
		expect(lock.salt.byteLength).toBe(16);
		expect(lock.check.iv.byteLength).toBe(12);
		// The lock survives structured cloning, as IndexedDB stores it.
		const stored = structuredClone(lock);
		const again = await unlock('correct horse battery staple', stored);
		const record = await encryptBytes(key, new Uint8Array([1, 2, 3]));
		expect(new Uint8Array(await decryptBytes(again, record))).toEqual(new Uint8Array([1, 2, 3]));
	});

	it('says a wrong passphrase is wrong, and changes nothing', async () => {
		const before = structuredClone(lock);
		await expect(unlock('Correct horse battery staple', lock)).rejects.toMatchObject({ name: 'CryptoError', message: expect.stringMatching(/^The passphrase is wrong/) });
		expect(lock).toEqual(before);
		await expect(unlock('', lock)).rejects.toThrow(/Enter a passphrase/);
	});

	it('refuses a low iteration count and a damaged lock', async () => {
		await expect(createLock('x', 1000)).rejects.toThrow(/at least 600,000 iterations/);
		await expect(unlock('x', { ...lock, kdf: 'scrypt' } as unknown as ProjectLock)).rejects.toThrow(/lock record is damaged/);
	});
});

describe('records', () => {
	it('round-trips bytes with a fresh IV every time', async () => {
		const data = crypto.getRandomValues(new Uint8Array(1000));
		const a = await encryptBytes(key, data);
		const b = await encryptBytes(key, data.buffer);
		expect(a.iv).not.toEqual(b.iv);
		expect(new Uint8Array(a.data)).not.toEqual(new Uint8Array(b.data));
		expect(a.data.byteLength).toBe(1000 + 16);
		expect(new Uint8Array(await decryptBytes(key, a))).toEqual(data);
		expect(isEncryptedRecord(structuredClone(a))).toBe(true);
		expect(isEncryptedRecord({ data: 1 })).toBe(false);
	});

	it('round-trips structured values and keeps typed arrays', async () => {
		const value = {
			name: 'run 1',
			weights: new Float32Array([1.5, -2, NaN]),
			codes: new Int32Array([3, -1]),
			raw: new Uint8Array([0, 255]).buffer,
			history: [{ epoch: 1, loss: NaN, best: Infinity, worst: -Infinity, zero: -0 }],
			when: new Date(1700000000000),
			missing: undefined,
			'\u0000b': 'a key that looks like a marker',
			nested: { deep: [null, true, 'x', new Float64Array([Math.PI])] }
		};
		const back = await decryptValue<typeof value>(key, await encryptValue(key, value));
		expect(back).toEqual(value);
		expect(back.weights).toBeInstanceOf(Float32Array);
		expect(Object.is(back.history[0].zero, -0)).toBe(true);
		expect('missing' in back).toBe(true);
		expect(back.raw).toBeInstanceOf(ArrayBuffer);
	});

	it('detects a tampered ciphertext, IV or context (GCM authentication) with a clear error', async () => {
		const record = await encryptValue(key, { secret: 'salary 7.78' }, 'datasets/cps');
		const flipped = new Uint8Array(record.data.slice(0));
		flipped[3] ^= 1;
		const message = /failed its integrity check/;
		await expect(decryptValue(key, { ...record, data: flipped.buffer }, 'datasets/cps')).rejects.toThrow(message);
		const iv = new Uint8Array(record.iv);
		iv[0] ^= 1;
		await expect(decryptValue(key, { ...record, iv }, 'datasets/cps')).rejects.toThrow(message);
		await expect(decryptValue(key, record, 'datasets/other')).rejects.toThrow(message);
		await expect(decryptValue(key, { ...record, data: record.data.slice(0, 10) }, 'datasets/cps')).rejects.toMatchObject({ name: 'CryptoError' });
		await expect(decryptValue(key, { v: 2 } as never)).rejects.toThrow(/not an encrypted Kiln record/);
		expect(await decryptValue(key, record, 'datasets/cps')).toEqual({ secret: 'salary 7.78' });
	});

	it('a record from another key fails instead of decrypting to garbage', async () => {
		const other = await createLock('another passphrase');
		const record = await encryptBytes(other.key, new Uint8Array([9]));
		await expect(decryptBytes(key, record)).rejects.toThrow(/integrity check/);
	});
});

describe('envelope', () => {
	it('round-trips arbitrary JSON-like values (property test)', () => {
		fc.assert(
			fc.property(fc.jsonValue(), (value) => {
				expect(decodeValue(encodeValue(value))).toEqual(value);
			})
		);
	});

	it('keeps a field named __proto__ as a field (the counterexample fast-check found)', () => {
		const value = JSON.parse('{"__proto__":[1],"a":{"__proto__":"x"}}') as unknown;
		const back = decodeValue(encodeValue(value)) as Record<string, unknown>;
		expect(back).toEqual(value);
		expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
		expect(Object.keys(back)).toEqual(['__proto__', 'a']);
	});

	it('refuses values it cannot store faithfully', () => {
		const loop: Record<string, unknown> = {};
		loop.self = loop;
		expect(() => encodeValue(loop)).toThrow(/refers to itself/);
		expect(() => encodeValue({ f: () => 1 })).toThrow(/Cannot store function at the record.f/);
		expect(() => encodeValue({ m: new Map() })).toThrow(/Cannot store a Map/);
		expect(() => decodeValue(new ArrayBuffer(4))).toThrow(/not in Kiln’s format/);
	});
});
