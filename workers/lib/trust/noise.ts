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

/** Uniform doubles from the platform CSPRNG (crypto.getRandomValues), 53 random bits each, never 0. */
function secureUniform(): () => number {
	if (typeof globalThis.crypto?.getRandomValues !== 'function') {
		throw new KilnError('PrivacyError', 'This browser has no secure random generator (crypto.getRandomValues), which private training needs.');
	}
	const words = new Uint32Array(BLOCK);
	let next = BLOCK;
	return () => {
		if (next + 2 > BLOCK) {
			globalThis.crypto.getRandomValues(words);
			next = 0;
		}
		const hi = words[next++] >>> 5; // 27 bits
		const lo = words[next++] >>> 6; // 26 bits
		return (hi * 67108864 + lo + 0.5) / 9007199254740992;
	};
}

/**
 * Box–Muller from a uniform source. In secure mode each draw is the sum of four normals divided
 * by two, as Opacus' secure_mode does: it blunts the floating-point attack on a single Gaussian
 * sample (Holohan & Braghin 2021) at the cost of four times the draws.
 */
function boxMuller(uniform: () => number, draws: number) {
	let spare = NaN;
	const normal = (): number => {
		if (!Number.isNaN(spare)) {
			const value = spare;
			spare = NaN;
			return value;
		}
		const radius = Math.sqrt(-2 * Math.log(uniform()));
		const angle = 2 * Math.PI * uniform();
		spare = radius * Math.sin(angle);
		return radius * Math.cos(angle);
	};
	return (out: Float32Array, std: number) => {
		const scale = std / Math.sqrt(draws);
		for (let i = 0; i < out.length; i++) {
			let sum = 0;
			for (let k = 0; k < draws; k++) sum += normal();
			out[i] = sum * scale;
		}
	};
}

/**
 * Secure randomness (the default for real runs) draws from crypto.getRandomValues and cannot be
 * replayed; seeded randomness (mulberry32) makes tests reproducible but gives no privacy guarantee.
 */
export function createRandomSource(options: { secure: boolean; seed?: number }): RandomSource {
	if (options.secure) {
		const uniform = secureUniform();
		return { uniform, gaussian: boxMuller(uniform, 4), secure: true };
	}
	const rng = createRng(options.seed ?? 0);
	// mulberry32 can return exactly 0; log(0) would give an infinite draw.
	const uniform = () => rng() || 2 ** -33;
	return { uniform, gaussian: boxMuller(uniform, 1), secure: false };
}
