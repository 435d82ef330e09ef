import { describe, expect, it } from 'vitest';
import { detectPii, isCardNumber, isEmail, isIban, isIp, isPersonName, isPhone } from './pii';
import { DistinctNumbers, HyperLogLog, RowHashSet, hashNumber } from './sketches';

describe('PII recognisers', () => {
	it('checks IBANs with mod-97 and cards with Luhn', () => {
		expect(isIban('GB82 WEST 1234 5698 7654 32')).toBe(true);
		expect(isIban('DE89370400440532013000')).toBe(true);
		expect(isIban('GB82 WEST 1234 5698 7654 33')).toBe(false);
		expect(isIban('not an iban')).toBe(false);
		expect(isCardNumber('4111 1111 1111 1111')).toBe(true);
		expect(isCardNumber('5500-0055-5555-5559')).toBe(true);
		expect(isCardNumber('4111 1111 1111 1112')).toBe(false);
		expect(isCardNumber('0000000000000000')).toBe(false);
	});

	it('recognises e-mails, phones, IPs and names but not plain numbers or words', () => {
		expect(isEmail('ann.lee+work@mail.example.co.uk')).toBe(true);
		expect(isEmail('ann@localhost')).toBe(false);
		expect(isPhone('+1 (555) 123-4567')).toBe(true);
		expect(isPhone('030 12345678')).toBe(true);
		expect(isPhone('5551234567')).toBe(false);
		expect(isPhone('2024-01-05')).toBe(false);
		expect(isIp('10.0.0.255')).toBe(true);
		expect(isIp('256.1.1.1')).toBe(false);
		expect(isIp('2001:db8::ff00:42:8329')).toBe(true);
		expect(isIp('12:30')).toBe(false);
		expect(isPersonName('Braund, Mr. Owen Harris')).toBe(true);
		expect(isPersonName('Mary')).toBe(true);
		expect(isPersonName('Berlin')).toBe(false);
		expect(isPersonName('male')).toBe(false);
		expect(detectPii(['Lyon', 'Paris', 'Berlin', 'Oslo'])).toBeNull(); // "Lyon" is a first name in the list: one of four is not enough
		expect(detectPii(['a@b.org', 'c@d.com', 'x'])).toBeNull();
		expect(detectPii(['a@b.org', 'c@d.com', 'e@f.net', 'g@h.io', 'x'])).toBe('email');
	});
});

describe('sketches', () => {
	it('counts distinct numbers exactly up to the cap, then within 2 % by HyperLogLog', () => {
		const small = new DistinctNumbers();
		for (let i = 0; i < 50_000; i++) small.add(i % 12_345);
		expect(small.count).toBe(12_345);
		expect(small.approximate).toBe(false);
		small.add(-0);
		expect(small.count).toBe(12_345);
		const big = new DistinctNumbers();
		for (let i = 0; i < 300_000; i++) big.add(i * 0.5);
		expect(big.approximate).toBe(true);
		expect(Math.abs(big.count - 300_000) / 300_000).toBeLessThan(0.02);
	});

	it('HyperLogLog is near for small and large counts', () => {
		for (const n of [100, 5000, 1_000_000]) {
			const h = new HyperLogLog();
			for (let i = 0; i < n; i++) h.add(hashNumber(i + 0.25));
			expect(Math.abs(h.estimate() - n) / n).toBeLessThan(0.03);
		}
	});

	it('finds duplicate row hashes and can be sized ahead', () => {
		const set = new RowHashSet();
		set.reserve(10_000);
		for (let i = 0; i < 10_000; i++) set.add(i % 2500, (i % 2500) * 7);
		expect(set.duplicates).toBe(7500);
		set.add(0, 1);
		expect(set.duplicates).toBe(7500);
	});
});

describe('radix sort', () => {
	it('orders doubles exactly like a numeric sort, negatives, zeros and infinities included', async () => {
		const { radixSort } = await import('./summary');
		const { default: fc } = await import('fast-check');
		fc.assert(
			fc.property(fc.array(fc.double({ noNaN: true }), { maxLength: 300 }), (xs) => {
				const got = Array.from(radixSort(Float64Array.from(xs)));
				const want = Array.from(Float64Array.from(xs).sort());
				expect(got.map((v) => (Object.is(v, -0) ? 0 : v))).toEqual(want.map((v) => (Object.is(v, -0) ? 0 : v)));
			}),
			{ numRuns: 300, seed: 2 }
		);
	});
});

describe('row reservoir', () => {
	it('keeps every row while it fits, then a uniform sample (Algorithm L)', async () => {
		const { RowReservoir } = await import('./reservoir');
		const small = new RowReservoir(1, 100, 1);
		small.addChunk([Float64Array.from({ length: 60 }, (_, i) => i)], 60);
		expect(small.exact).toBe(true);
		expect(Array.from(small.column(0))).toEqual(Array.from({ length: 60 }, (_, i) => i));
		// 200 runs of 10,000 rows into 100 slots: each row's inclusion rate should be ~1 %.
		const hits = new Float64Array(10);
		for (let seed = 1; seed <= 200; seed++) {
			const r = new RowReservoir(1, 100, seed);
			for (let at = 0; at < 10_000; at += 777) r.addChunk([Float64Array.from({ length: Math.min(777, 10_000 - at) }, (_, i) => at + i)], Math.min(777, 10_000 - at));
			expect(r.exact).toBe(false);
			for (const v of r.column(0)) hits[Math.floor(v / 1000)]++;
		}
		// Each decile of the rows should hold ~10 % of the 20,000 sampled values (±10 %).
		for (const h of hits) expect(Math.abs(h - 2000)).toBeLessThan(200);
	});
});
