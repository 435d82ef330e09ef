import { KilnError } from '$shared/errors';
import { createRng } from '$workers/lib/random';

/** A source of uniform numbers in (0, 1) and standard normal draws. */
export interface RandomSource {
	uniform(): number;
	/** Fill `out` with N(0, std²) draws. */
	gaussian(out: Float32Array, std: number): void;
	readonly secure: boolean;
}

/** crypto.getRandomValues fills at most 65,536 bytes per call. */
const BLOCK = 16_384;
const TWO_POW_32 = 4294967296;

/** Two 32-bit words → a double in (0, 1) with 53 random bits (never 0, so log() stays finite). */
const toUnit = (hi: number, lo: number) => ((hi >>> 5) * 67108864 + (lo >>> 6) + 0.5) / 9007199254740992;

/** Fills word buffers with random 32-bit words. */
type WordSource = (words: Uint32Array<ArrayBuffer>) => void;

function secureWords(): WordSource {
	const random = globalThis.crypto;
	if (typeof random?.getRandomValues !== 'function') {
		throw new KilnError('PrivacyError', 'This browser has no secure random generator (crypto.getRandomValues), which private training needs.');
	}
	return (words) => {
		for (let o = 0; o < words.length; o += BLOCK) random.getRandomValues(words.subarray(o, Math.min(words.length, o + BLOCK)));
	};
}

function seededWords(seed: number): WordSource {
	const rng = createRng(seed);
	// mulberry32 returns k/2³², so this is its 32-bit output exactly.
	return (words) => {
		for (let i = 0; i < words.length; i++) words[i] = rng() * TWO_POW_32;
	};
}

/** One uniform at a time (for Poisson sampling), two words each, from a refilled block. */
function uniforms(fill: WordSource): () => number {
	const words = new Uint32Array(BLOCK);
	let next = BLOCK;
	return () => {
		if (next + 2 > BLOCK) {
			fill(words);
			next = 0;
		}
		next += 2;
		return toUnit(words[next - 2], words[next - 1]);
	};
}

/**
 * Box–Muller in one flat loop over a buffer of random words, because a step of a 100k-parameter
 * model needs 400k draws in secure mode. Per pair: 53 bits for the radius's uniform (its log sets
 * the tail) and 32 for the angle. In secure mode each value is the sum of four normals divided by
 * two, as Opacus' secure_mode does: it blunts the floating-point attacks on single Gaussian
 * samples (Jin et al. 2022, arXiv 2112.05307; the fix follows Holohan & Braghin 2021,
 * arXiv 2107.10138) at the cost of four times the draws.
 */
function boxMuller(fill: WordSource, draws: number) {
	let words = new Uint32Array(0);
	return (out: Float32Array, std: number) => {
		const needed = 3 * Math.ceil(out.length / 2) * draws;
		if (words.length < needed) words = new Uint32Array(needed);
		const w = words.subarray(0, needed);
		fill(w);
		const scale = std / Math.sqrt(draws);
		out.fill(0);
		let k = 0;
		for (let d = 0; d < draws; d++) {
			for (let i = 0; i < out.length; i += 2) {
				const radius = Math.sqrt(-2 * Math.log(toUnit(w[k], w[k + 1]))) * scale;
				const angle = (2 * Math.PI * (w[k + 2] + 0.5)) / TWO_POW_32;
				k += 3;
				out[i] += radius * Math.cos(angle);
				if (i + 1 < out.length) out[i + 1] += radius * Math.sin(angle);
			}
		}
	};
}

/**
 * Secure randomness (the default for real runs) draws from crypto.getRandomValues and cannot be
 * replayed; seeded randomness (mulberry32) makes tests reproducible but gives no privacy guarantee.
 */
export function createRandomSource(options: { secure: boolean; seed?: number }): RandomSource {
	const fill = options.secure ? secureWords() : seededWords(options.seed ?? 0);
	return { uniform: uniforms(fill), gaussian: boxMuller(fill, options.secure ? 4 : 1), secure: options.secure };
}
