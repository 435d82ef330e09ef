import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { KilnError } from '$shared/errors';
import { createSharePredictor } from './runtime-share';
import { SHARE_LIMITS, decodeShareLink, encodeShareLink, makeSharePayload, packPayload } from './share-link';
import { measureShareLink, shareLinkFit } from './share-size';
import { jsonValue, payload } from './share-arbitraries.spec-support';
import { trainBriefly, useCpu, type Trained } from './share.spec-support';
import type { SharePayload } from './types';
import { linkOf as containerOf, split } from './link-bytes.spec-support';

// Links here are format 1 unless a case says otherwise.
const linkOf = (header: unknown, tensors: Uint8Array, version = 1): string => containerOf(header, tensors, version);

beforeAll(useCpu);

/** Decoding must give a usable payload or a ShareLinkError: nothing else. */
function decodeOrShareError(code: string): SharePayload | null {
	try {
		const decoded = decodeShareLink(code);
		// A payload that decodes must also run.
		const prediction = createSharePredictor(decoded).predict({});
		if (typeof prediction.label !== 'string') throw new Error('a decoded payload did not predict a label');
		return decoded;
	} catch (error) {
		if (!(error instanceof KilnError) || error.name !== 'ShareLinkError') throw new Error(`decode threw something other than a ShareLinkError for ${JSON.stringify(code.slice(0, 80))}: ${String(error)}`);
		return null;
	}
}

let iris: Trained;
let irisPayload: SharePayload;
/** A smaller model (4-6-3) keeps each of the many fuzz cases cheap. */
let fuzzPayload: SharePayload;
beforeAll(async () => {
	iris = await trainBriefly('iris.csv', 'species');
	const demo = { title: 'Iris <b>species</b>', description: 'Four measurements.\nOne flower.', examples: iris.rows.slice(0, 3), labelNames: ['Setosa', 'Versicolor', 'Virginica'] };
	irisPayload = makeSharePayload(iris.result.model, iris.prep, demo);
	const small = await trainBriefly('iris.csv', 'species', { hiddenLayers: [6], epochs: 3 });
	fuzzPayload = makeSharePayload(small.result.model, small.prep, { ...demo, examples: demo.examples.slice(0, 1) });
});

describe('share link round trip', () => {
	it('carries a trained int8 model that predicts exactly as before', () => {
		const code = encodeShareLink(irisPayload);
		expect(code).toMatch(/^[A-Za-z0-9_-]+$/);
		const decoded = decodeShareLink(`https://kiln.example/share#${code}`);
		expect(decoded).toEqual(irisPayload);
		const before = createSharePredictor(irisPayload);
		const after = createSharePredictor(decoded);
		for (const row of iris.rows) expect(after.predict(row)).toEqual(before.predict(row));
		console.log(`iris 4-32-16-3 int8 share link: ${code.length} characters`);
		expect(measureShareLink(irisPayload)).toMatchObject({ fit: 'fits', chars: code.length, code, suggestStandalone: false });
	});

	it('round-trips any valid payload (property)', () => {
		fc.assert(
			fc.property(payload, (p) => {
				expect(decodeShareLink(encodeShareLink(p))).toEqual(p);
			}),
			{ numRuns: 300, seed: 11 }
		);
	});
});

describe('hostile and damaged links', () => {
	const runs = { arbitrary: 2000, alphabet: 2500, edited: 2500, bytes: 1500, json: 2000 };

	it(`never throws anything but ShareLinkError on ${Object.values(runs).reduce((a, b) => a + b, 0)} random, mutated and truncated links`, () => {
		const valid = encodeShareLink(fuzzPayload);
		const { header, tensors } = split(fuzzPayload);
		const packed = packPayload(fuzzPayload);
		let decoded = 0;
		const opts = (numRuns: number) => ({ numRuns, seed: 7 });

		// Strings are built from code arrays: fc.string's own unit mapping dominated the run time.
		const anyText = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 120 }).map((codes) => String.fromCharCode(...codes));
		const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
		const linkLike = fc.array(fc.nat(63), { maxLength: 400 }).map((codes) => codes.map((c) => alphabet[c]).join(''));
		fc.assert(fc.property(anyText, (s) => void decodeOrShareError(s)), opts(runs.arbitrary));
		fc.assert(fc.property(linkLike, (s) => void decodeOrShareError(s)), opts(runs.alphabet));
		// Edits of a real link: truncation, deleted or replaced characters, inserted ones.
		const edit = fc.tuple(fc.nat(valid.length), fc.nat(8), fc.array(fc.constantFrom('A', 'z', '9', '-', '_', '+', '/', '=', '%', '#'), { maxLength: 4 }).map((c) => c.join('')), fc.boolean());
		fc.assert(
			fc.property(edit, ([at, remove, insert, truncate]) => {
				if (decodeOrShareError(truncate ? valid.slice(0, at) : valid.slice(0, at) + insert + valid.slice(at + remove))) decoded++;
			}),
			opts(runs.edited)
		);
		// Valid deflate around flipped container bytes reaches the header and tensor checks.
		fc.assert(
			fc.property(fc.array(fc.tuple(fc.nat(packed.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(packed.length), (flips, cut) => {
				const bytes = packed.slice(0, Math.max(cut, packed.length - 3));
				for (const [i, v] of flips) if (i < bytes.length) bytes[i] = v;
				if (decodeOrShareError(Buffer.from(deflateSync(bytes)).toString('base64url'))) decoded++;
			}),
			opts(runs.bytes)
		);
		// Structurally mutated headers: any field replaced by any JSON value, or dropped, or added.
		const paths = (value: unknown, prefix: string[] = []): string[][] =>
			typeof value === 'object' && value !== null ? Object.keys(value).flatMap((k) => [[...prefix, k], ...paths((value as Record<string, unknown>)[k], [...prefix, k])]) : [];
		const all = paths(header);
		fc.assert(
			fc.property(fc.constantFrom(...all), jsonValue, fc.constantFrom('replace', 'delete', 'add'), fc.nat(tensors.length), (path, value, how, cut) => {
				const copy = structuredClone(header);
				let node = copy as Record<string, unknown>;
				for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
				const last = path[path.length - 1];
				if (how === 'replace') node[last] = value;
				else if (how === 'delete') delete node[last];
				else node[`${last}_extra`] = value;
				if (decodeOrShareError(linkOf(copy, cut % 5 === 0 ? tensors.slice(0, cut) : tensors))) decoded++;
			}),
			opts(runs.json)
		);
		// Some mutations must survive (e.g. a changed title), so the checker is not just rejecting everything.
		expect(decoded).toBeGreaterThan(50);
		console.log(`fuzz: ${decoded} mutated links still decoded to valid payloads; the rest gave ShareLinkError`);
	});

	it('stops a deflate bomb at the size cap', () => {
		const bomb = Buffer.from(deflateSync(new Uint8Array(16 * 1024 * 1024))).toString('base64url');
		expect(bomb.length).toBeLessThan(100_000);
		expect(() => decodeShareLink(bomb)).toThrow(/expands to more than/);
	});

	it('explains version, magic and header-length problems', () => {
		const { header, tensors } = split(irisPayload);
		expect(() => decodeShareLink(linkOf(header, tensors, 9))).toThrow(/newer version of Kiln/);
		expect(() => decodeShareLink(Buffer.from(deflateSync(new TextEncoder().encode('hello world, not kiln'))).toString('base64url'))).toThrow(/not a Kiln share link/);
		expect(() => decodeShareLink('abc def')).toThrow(/character that Kiln links never contain/);
		expect(() => decodeShareLink('#')).toThrow(/empty/);
		expect(() => decodeShareLink('A'.repeat(SHARE_LIMITS.hardChars + 1))).toThrow(/characters long/);
		const wrongWidth = structuredClone(header) as { model: { layers: { inputs: number }[] } };
		wrongWidth.model.layers[0].inputs = 5;
		expect(() => decodeShareLink(linkOf(wrongWidth, tensors))).toThrow(/model\.layers\[0\]\.inputs must be at most 4/);
		expect(() => decodeShareLink(linkOf(header, tensors.slice(0, -1)))).toThrow(/needs 12 bytes of weights/);
		expect(() => decodeShareLink(linkOf(header, new Uint8Array([...tensors, 0])))).toThrow(/1 bytes left over/);
	});

	it('rejects non-finite weights', () => {
		const { header, tensors } = split(irisPayload);
		const bad = tensors.slice();
		new DataView(bad.buffer).setFloat32(bad.length - 4, NaN, true);
		expect(() => decodeShareLink(linkOf(header, bad))).toThrow(/model\.layers\[2\]\.bias\[2\] is not a finite number/);
	});
});

describe('link size limits', () => {
	it('grades lengths against the soft and hard limits and offers the standalone file', () => {
		expect(shareLinkFit(700).fit).toBe('fits');
		expect(shareLinkFit(40_000)).toMatchObject({ fit: 'long', suggestStandalone: true });
		expect(shareLinkFit(SHARE_LIMITS.hardChars - 10, 30).fit).toBe('too-large');
		expect(shareLinkFit(2_000_000).message).toMatch(/standalone demo file/);
	});

	it('measures a long link, and a model too large for any link without failing', () => {
		const units = 1100;
		const big: SharePayload = {
			...irisPayload,
			model: {
				inputSize: 4,
				outputSize: 3,
				layers: [
					{ type: 'dense', inputs: 4, units, activation: 'relu', kernel: { dtype: 'float32', values: new Float32Array(4 * units).map((_, i) => Math.sin(i)) } },
					{ type: 'dense', inputs: units, units: 3, activation: 'linear', kernel: { dtype: 'float32', values: new Float32Array(units * 3).map((_, i) => Math.cos(i)) } }
				]
			}
		};
		const size = measureShareLink(big);
		expect(size.code).toBeDefined();
		expect(size.fit).toBe('long');
		const wide = 260;
		const tooLarge: SharePayload = {
			...big,
			model: {
				inputSize: 4,
				outputSize: 3,
				layers: [
					{ type: 'dense', inputs: 4, units: 4096, activation: 'relu', kernel: { dtype: 'float32', values: new Float32Array(4 * 4096) } },
					{ type: 'dense', inputs: 4096, units: wide, activation: 'relu', kernel: { dtype: 'float32', values: new Float32Array(4096 * wide).map((_, i) => Math.sin(i)) } },
					{ type: 'dense', inputs: wide, units: 3, activation: 'linear', kernel: { dtype: 'float32', values: new Float32Array(wide * 3) } }
				]
			}
		};
		const refused = measureShareLink(tooLarge);
		expect(refused).toMatchObject({ fit: 'too-large', suggestStandalone: true });
		expect(refused.code).toBeUndefined();
		expect(() => encodeShareLink(tooLarge)).toThrow(/standalone demo file/);
	});
});
