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

/** Two 32-bit words → a double in (0, 1) with 53 random bits (never 0, so log() stays finite). */
const toUnit = (hi: number, lo: number) => ((hi >>> 5) * 67108864 + (lo >>> 6) + 0.5) / 9007199254740992;

/** Uniform doubles from the platform CSPRNG (crypto.getRandomValues), one at a time and in bulk. */
function secureUniforms() {
	const random = globalThis.crypto;
	if (typeof random?.getRandomValues !== 'function') {
		throw new KilnError('PrivacyError', 'This browser has no secure random generator (crypto.getRandomValues), which private training needs.');
	}
	const words = new Uint32Array(BLOCK);
	let next = BLOCK;
	const one = () => {
		if (next + 2 > BLOCK) {
			random.getRandomValues(words);
			next = 0;
		}
		next += 2;
		return toUnit(words[next - 2], words[next - 1]);
	};
	let bulkWords = new Uint32Array(0);
	let bulk = new Float64Array(0);
	const many = (count: number) => {
		if (bulk.length < count) {
			bulkWords = new Uint32Array(2 * count);
			bulk = new Float64Array(count);
		}
		for (let o = 0; o < 2 * count; o += BLOCK) random.getRandomValues(bulkWords.subarray(o, Math.min(2 * count, o + BLOCK)));
		for (let i = 0; i < count; i++) bulk[i] = toUnit(bulkWords[2 * i], bulkWords[2 * i + 1]);
		return bulk;
	};
	return { one, many };
}

/**
 * Box–Muller over a bulk of uniforms, written as one flat loop because a step of a 100k-parameter
 * model needs 400k draws in secure mode. In secure mode each value is the sum of four normals
 * divided by two, as Opacus' secure_mode does: it blunts the floating-point attacks on single
 * Gaussian samples (Jin et al. 2022, arXiv 2112.05307; the fix follows Holohan & Braghin 2021,
 * arXiv 2107.10138) at the cost of four times the draws.
 */
function boxMuller(uniforms: (count: number) => Float64Array, draws: number) {
	return (out: Float32Array, std: number) => {
		const pairs = Math.ceil(out.length / 2);
		const u = uniforms(2 * pairs * draws);
		const scale = std / Math.sqrt(draws);
		out.fill(0);
		let k = 0;
		for (let d = 0; d < draws; d++) {
			for (let i = 0; i < out.length; i += 2) {
				const radius = Math.sqrt(-2 * Math.log(u[k])) * scale;
				const angle = 2 * Math.PI * u[k + 1];
				k += 2;
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
	if (options.secure) {
		const { one, many } = secureUniforms();
		return { uniform: one, gaussian: boxMuller(many, 4), secure: true };
	}
	const rng = createRng(options.seed ?? 0);
	// mulberry32 can return exactly 0; log(0) would give an infinite draw.
	const uniform = () => rng() || 2 ** -33;
	let bulk = new Float64Array(0);
	const many = (count: number) => {
		if (bulk.length < count) bulk = new Float64Array(count);
		for (let i = 0; i < count; i++) bulk[i] = uniform();
		return bulk;
	};
	return { uniform, gaussian: boxMuller(many, 1), secure: false };
}
