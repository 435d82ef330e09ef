import { describe, expect, it } from 'vitest';
import { computeRdp, createAccountant, epsilon, privacyFromRdp, privacySpent, rdpOneStep, sigmaFor, TF_PRIVACY_ORDERS } from './rdp';
import { logErfc } from './special';

describe('RDP of the subsampled Gaussian (tensorflow/privacy rdp_accountant_test.py vectors)', () => {
	it('compute_rdp(0.1, 2, 10, 5) = 0.07737', () => {
		expect(computeRdp(0.1, 2, 10, [5])[0]).toBeCloseTo(0.07737, 5);
	});

	it('compute_rdp(0.01, 2.5, 50, [1.5, 2.5, 5, 50, 100]) with fractional orders', () => {
		const expected = [0.00065, 0.001085, 0.00218075, 0.023846, 167.416307];
		computeRdp(0.01, 2.5, 50, [1.5, 2.5, 5, 50, 100]).forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-5));
	});

	it('reduces to α/(2σ²) without subsampling and is 0 without sampling', () => {
		expect(rdpOneStep(1, 2, 7)).toBeCloseTo(7 / 8, 12);
		expect(rdpOneStep(0, 2, 7)).toBe(0);
	});

	it('fractional orders agree with the neighbouring integer orders (the erfc series is continuous)', () => {
		const at = (a: number) => rdpOneStep(0.02, 1.1, a);
		expect(at(3 - 1e-7)).toBeCloseTo(at(3), 9);
		expect(at(8 + 1e-7)).toBeCloseTo(at(8), 9);
	});

	it('constant RDP 1.1 on orders 2..32 at δ=1e-5 gives ε = 1.32783806176 at α = 32', () => {
		const orders = Array.from({ length: 31 }, (_, i) => i + 2);
		const spent = privacyFromRdp(orders, orders.map(() => 1.1), 1e-5);
		expect(spent.order).toBe(32);
		expect(spent.epsilon).toBeCloseTo(1.32783806176, 9);
	});
});

describe('ε for DP-SGD', () => {
	it('compute_dp_sgd_privacy(60000, 150, 1.3, 15, 1e-5) = 0.7242234026109595 at α = 19', () => {
		const spent = privacySpent(150 / 60000, 1.3, Math.ceil((15 * 60000) / 150), 1e-5, { orders: TF_PRIVACY_ORDERS });
		expect(spent.order).toBe(19);
		expect(Math.abs(spent.epsilon - 0.7242234026109595)).toBeLessThan(1e-9);
	});

	it('compute_dp_sgd_privacy(100000, 100, 1.0, 30, 1e-7) = 1.4154988495444842 at α = 13', () => {
		const spent = privacySpent(100 / 100000, 1.0, Math.ceil((30 * 100000) / 100), 1e-7, { orders: TF_PRIVACY_ORDERS });
		expect(spent.order).toBe(13);
		expect(Math.abs(spent.epsilon - 1.4154988495444842)).toBeLessThan(1e-9);
	});

	// MNIST, N = 60000, B = 256, 60 epochs (tensorflow/privacy tutorial; Opacus orders).
	const q = 256 / 60000;
	const steps = Math.ceil((60 * 60000) / 256);
	it('MNIST σ = 1.1: ε = 2.5967 (Balle) and 3.0084 (classic, the tutorial’s ≈3.01)', () => {
		const balle = privacySpent(q, 1.1, steps, 1e-5);
		const classic = privacySpent(q, 1.1, steps, 1e-5, { conversion: 'classic' });
		expect(Math.abs(balle.epsilon - 2.5967)).toBeLessThan(1e-3);
		expect(balle.order).toBeCloseTo(8.1, 10);
		expect(Math.abs(classic.epsilon - 3.0084)).toBeLessThan(1e-3);
		expect(classic.order).toBeCloseTo(8.8, 10);
	});

	it('MNIST σ = 1.12 gives the tutorial table’s ε = 2.92 (classic)', () => {
		expect(epsilon(q, 1.12, steps, 1e-5, { conversion: 'classic' })).toBeCloseTo(2.92, 2);
	});

	it('the accountant grows with steps and finds the last step within a budget', () => {
		const accountant = createAccountant(q, 1.1, 1e-5);
		expect(accountant.spent(steps).epsilon).toBeCloseTo(epsilon(q, 1.1, steps, 1e-5), 12);
		const last = accountant.maxSteps(1.5, 100_000);
		expect(accountant.spent(last).epsilon).toBeLessThanOrEqual(1.5);
		expect(accountant.spent(last + 1).epsilon).toBeGreaterThan(1.5);
	});

	it('sigmaFor inverts epsilon', () => {
		const sigma = sigmaFor(2.5967, q, steps, 1e-5);
		expect(sigma).toBeCloseTo(1.1, 3);
		expect(epsilon(q, sigma, steps, 1e-5)).toBeLessThanOrEqual(2.5967);
		expect(sigmaFor(8, 0.01, 1000, 1e-5)).toBeGreaterThan(0);
	});

	it('rejects bad input with a PrivacyError', () => {
		expect(() => epsilon(1.5, 1, 10, 1e-5)).toThrow(/sampling rate/);
		expect(() => epsilon(0.1, 1, 10, 0)).toThrow(/δ/);
		expect(() => epsilon(0.1, 1, 2.5, 1e-5)).toThrow(/steps/);
		expect(() => sigmaFor(-1, 0.1, 10, 1e-5)).toThrow(expect.objectContaining({ name: 'PrivacyError' }));
	});
});

describe('logErfc', () => {
	it('matches erfc at known points and does not underflow', () => {
		expect(Math.exp(logErfc(0))).toBeCloseTo(1, 14);
		expect(Math.exp(logErfc(1))).toBeCloseTo(0.15729920705028513, 14);
		expect(Math.exp(logErfc(-1))).toBeCloseTo(1.8427007929497148, 14);
		expect(logErfc(3) / Math.log(2.209049699858544e-5)).toBeCloseTo(1, 12);
		// erfc(30) ≈ 2.5646e-393 underflows a double; its asymptotic series gives the log
		expect(logErfc(30)).toBeCloseTo(-30 * 30 - Math.log(30 * Math.sqrt(Math.PI)) + Math.log1p(-1 / 1800 + 3 / (4 * 30 ** 4)), 8);
	});
});
