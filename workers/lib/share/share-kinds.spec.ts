import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KilnError } from '$shared/errors';
import { murmur3 } from '$workers/lib/data/pipeline/hash';
import { float32Below } from './from-classic';
import { kilnPipelineRuntime } from './runtime-pipeline';
import { createSharePredictor } from './runtime-share';
import { decodeShareLink, encodeShareLink, packPayload } from './share-link';
import { jsonValue } from './share-arbitraries.spec-support';
import { PIPELINE, pipelinePayload, treesPayload } from './share-kinds-arbitraries.spec-support';
import type { SharePayload, TreesDescription } from './types';
import { linkOf, split } from './link-bytes.spec-support';

/**
 * Decoding gives a payload or a ShareLinkError, nothing else; a decoded payload predicts an empty
 * row, and its example rows predict or say which cell is not a number (a ValidationError, as a
 * person's typing would).
 */
function decodeOrShareError(code: string): SharePayload | null {
	let decoded: SharePayload;
	try {
		decoded = decodeShareLink(code);
	} catch (error) {
		if (!(error instanceof KilnError) || error.name !== 'ShareLinkError') throw new Error(`decode threw something other than a ShareLinkError: ${String(error)}`);
		return null;
	}
	const predictor = createSharePredictor(decoded);
	if (typeof predictor.predict({}).label !== 'string') throw new Error('a decoded payload did not predict a label');
	for (const row of decoded.demo.examples) {
		try {
			predictor.predict(row);
		} catch (error) {
			if (!(error instanceof Error) || error.name !== 'ValidationError') throw error;
		}
	}
	return decoded;
}

const sample = <T>(arb: fc.Arbitrary<T>, seed: number) => fc.sample(arb, { numRuns: 1, seed })[0];

describe('format 2: tree ensembles and pipelines', () => {
	it('round-trips any valid tree or pipeline payload, and it predicts (property)', () => {
		fc.assert(
			fc.property(fc.oneof(treesPayload, pipelinePayload), (p) => {
				const decoded = decodeShareLink(encodeShareLink(p));
				expect(decoded).toEqual(p);
				const row = p.demo.examples[0] ?? {};
				expect(createSharePredictor(decoded).predict(row)).toEqual(createSharePredictor(p).predict(row));
			}),
			{ numRuns: 300, seed: 21 }
		);
	});

	it('decodes the format-1 fixture link (written by the format-1 encoder) as a layers model', () => {
		const code = readFileSync(new URL('./fixtures/share-link-v1.txt', import.meta.url), 'utf8').trim();
		const payload = decodeShareLink(code);
		expect(payload.formatVersion).toBe(1);
		expect(payload.model.kind).toBeUndefined();
		expect(payload.pipeline).toBeUndefined();
		const prediction = createSharePredictor(payload).predict(payload.demo.examples[0]);
		expect(prediction.label).toBe('setosa');
	});

	it('refuses format-2 fields inside a format-1 container', () => {
		const { header, tensors } = split(sample(pipelinePayload, 3));
		expect(() => decodeShareLink(linkOf(header, tensors, 1))).toThrow(/unexpected field "pipeline"/);
	});

	it('refuses trees that loop, share nodes, read outside the inputs or hold non-finite numbers', () => {
		const p = sample(pipelinePayload.filter((q) => (q.model as TreesDescription).trees[0].feature.length >= 3), 5);
		const model = p.model as TreesDescription;
		const edit = (fn: (t: TreesDescription['trees'][number]) => void) => {
			const copy = structuredClone(p);
			fn((copy.model as TreesDescription).trees[0]);
			const { header, tensors } = split(copy);
			return () => decodeShareLink(linkOf(header, tensors));
		};
		expect(edit((t) => (t.left[0] = 0))).toThrow(/points back to node 0/);
		expect(edit((t) => (t.right[0] = t.left[0]))).toThrow(/has two parents/);
		expect(edit((t) => (t.feature[0] = model.inputSize))).toThrow(/must be between -1 and 9/);
		expect(edit((t) => (t.threshold[0] = NaN))).toThrow(/threshold\[0\] is not a finite number/);
		expect(edit((t) => (t.missingLeft[0] = 2))).toThrow(/missingLeft\[0\] must be at most 1/);
		const { header, tensors } = split(p);
		const huge = structuredClone(header) as { model: { nodes: number[] } };
		huge.model.nodes = Array.from({ length: 5000 }, () => 262_144);
		expect(() => decodeShareLink(linkOf(huge, tensors))).toThrow(/add up to .* nodes/);
		const wrong = structuredClone(header) as { pipeline: { features: { column: string }[] } };
		wrong.pipeline.features[0].column = 'zz';
		expect(() => decodeShareLink(linkOf(wrong, tensors))).toThrow(/reads "zz", which no earlier step provides/);
	});

	const runs = { json: 2500, bytes: 1500 };
	it(`gives only ShareLinkError on ${runs.json + runs.bytes} mutated tree and pipeline links`, () => {
		const payloads = [sample(pipelinePayload, 8), sample(treesPayload.filter((q) => q.preprocessing.target.task === 'classification'), 9)];
		let decoded = 0;
		for (const p of payloads) {
			const { header, tensors } = split(p);
			const packed = packPayload(p);
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
				{ numRuns: runs.json / 2, seed: 13 }
			);
			// Flipped bytes reach the node checks: children, features, thresholds, leaves.
			fc.assert(
				fc.property(fc.array(fc.tuple(fc.nat(packed.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (flips) => {
					const bytes = packed.slice();
					for (const [i, v] of flips) bytes[i] = v;
					if (decodeOrShareError(Buffer.from(deflateSync(bytes)).toString('base64url'))) decoded++;
				}),
				{ numRuns: runs.bytes / 2, seed: 17 }
			);
		}
		expect(decoded).toBeGreaterThan(50);
		console.log(`format-2 fuzz: ${decoded} mutated links still decoded and predicted; the rest gave ShareLinkError`);
	});
});

describe('link runtime pieces', () => {
	it('hashes text exactly as the pipeline (scikit-learn murmur3) does', () => {
		const rt = kilnPipelineRuntime();
		const encode = rt.createPipelineEncoder({ inputs: [{ name: 't', kind: 'categorical' }], steps: [], features: [{ kind: 'hashing', column: 't', buckets: 4096 }], inputSize: 4096 });
		fc.assert(
			fc.property(fc.string({ minLength: 1, maxLength: 12, unit: 'binary' }), (text) => {
				const t = text.trim();
				if (['', 'NA', 'N/A', 'null', 'NULL', 'NaN', 'nan', '?', '-'].includes(t)) return;
				expect(encode({ t }).x.indexOf(1)).toBe(Math.abs(murmur3(t, 0)) % 4096);
			}),
			{ numRuns: 300, seed: 4 }
		);
	});

	it('rounds thresholds down to float32 so float32 inputs branch as before', () => {
		fc.assert(
			fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e30, max: 1e30 }), fc.float({ noNaN: true, noDefaultInfinity: true }), (t, x) => {
				const below = float32Below(t);
				expect(Math.fround(below)).toBe(below);
				expect(x <= below).toBe(x <= t);
			}),
			{ numRuns: 2000, seed: 9 }
		);
	});

	it('replays every step kind on a raw row', () => {
		const encode = kilnPipelineRuntime().createPipelineEncoder(PIPELINE);
		const { x, warnings } = encode({ a: '', b: '5', c: 'z', d: 'p', e: '1' });
		// a missing → 1.5 → (1.5 − 1)/2; indicator 1; b clipped to 3, log1p(3 + 1); c unseen → "other"; e = 1 → bin 1.
		expect(Array.from(x.slice(0, 7))).toEqual([0.25, 1, Math.fround(Math.log1p(4)), 0, 0, 1, 1]);
		expect(warnings.join(' ')).toMatch(/"a" is empty/);
		expect(warnings.join(' ')).toMatch(/"c" = "z" was not seen/);
		expect(() => encode({ a: 'ten' })).toThrow(/"a" must be a finite number/);
	});
});
