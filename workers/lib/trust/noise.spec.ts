import { describe, expect, it } from 'vitest';
import { createRandomSource } from './noise';

function moments(values: Float32Array) {
	const n = values.length;
	const mean = values.reduce((s, v) => s + v, 0) / n;
	const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
	const kurtosis = values.reduce((s, v) => s + (v - mean) ** 4, 0) / n / variance ** 2;
	return { mean, std: Math.sqrt(variance), kurtosis };
}

describe.each([true, false])('Gaussian noise (secure %s)', (secure) => {
	it('has mean 0, the asked standard deviation and normal kurtosis', () => {
		const source = createRandomSource({ secure, seed: 3 });
		const out = new Float32Array(200_001);
		source.gaussian(out, 2.5);
		const m = moments(out);
		// Standard errors at n = 200k: mean 0.0056, std 0.004, kurtosis 0.011.
		expect(Math.abs(m.mean)).toBeLessThan(0.03);
		expect(Math.abs(m.std - 2.5)).toBeLessThan(0.02);
		expect(Math.abs(m.kurtosis - 3)).toBeLessThan(0.06);
		expect(source.secure).toBe(secure);
	});

	it('has normal tails: P(|z| > 2) and P(|z| > 3)', () => {
		const source = createRandomSource({ secure, seed: 4 });
		const out = new Float32Array(1_000_000);
		source.gaussian(out, 1);
		let over2 = 0;
		let over3 = 0;
		for (const v of out) {
			if (Math.abs(v) > 2) over2++;
			if (Math.abs(v) > 3) over3++;
		}
		// Exact: 0.0455003 and 0.0026998; binomial standard errors at 1M draws: 0.00021 and 0.000052.
		expect(Math.abs(over2 / out.length - 0.0455003)).toBeLessThan(0.001);
		expect(Math.abs(over3 / out.length - 0.0026998)).toBeLessThan(0.00026);
	});

	it('gives uniforms in (0, 1)', () => {
		const source = createRandomSource({ secure, seed: 3 });
		const u = Array.from({ length: 50_000 }, () => source.uniform());
		expect(Math.min(...u)).toBeGreaterThan(0);
		expect(Math.max(...u)).toBeLessThan(1);
		expect(Math.abs(u.reduce((a, b) => a + b, 0) / u.length - 0.5)).toBeLessThan(0.01);
	});
});

it('seeded noise replays and secure noise does not', () => {
	const draw = (secure: boolean) => {
		const out = new Float32Array(8);
		createRandomSource({ secure, seed: 5 }).gaussian(out, 1);
		return Array.from(out);
	};
	expect(draw(false)).toEqual(draw(false));
	expect(draw(true)).not.toEqual(draw(true));
});
