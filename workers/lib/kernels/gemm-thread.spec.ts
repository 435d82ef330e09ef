import { spawnNodeThread } from './gemm.spec-support';
import { describe, expect, it } from 'vitest';
import { gemmFor, gemmScratchBytes, GEMM_SPLIT_WORK, type Gemm } from './gemm-simd';
import { GemmHelper, JOB_FIELDS, type GemmJob } from './gemm-thread';
import { randomValues } from './wasm.spec-support';

/** relu?(op(A)·B + bias) in float64. */
function reference(a: Float32Array, b: Float32Array, m: number, n: number, k: number, transposeA: boolean, bias: Float32Array | null, relu: boolean): Float64Array {
	const out = new Float64Array(m * n);
	for (let i = 0; i < m; i++) {
		for (let j = 0; j < n; j++) {
			let sum = bias ? bias[j] : 0;
			for (let t = 0; t < k; t++) sum += (transposeA ? a[t * m + i] : a[i * k + t]) * b[t * n + j];
			out[i * n + j] = relu ? Math.max(sum, 0) : sum;
		}
	}
	return out;
}

async function until(check: () => boolean): Promise<void> {
	for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

/** One product on `memory`'s heap (A at 0, then B, bias, C and scratch), the result copied out. */
function product(gemm: Gemm, memory: WebAssembly.Memory, m: number, n: number, k: number, transposeA: boolean, relu: boolean, seed: number): { out: Float32Array; want: Float64Array } {
	// With Aᵀ, a relu mask as the MLP's backward uses it (every third value masked).
	const masked = transposeA;
	const heap = new Float32Array(memory.buffer);
	const a = randomValues(m * k, seed);
	const b = randomValues(k * n, seed + 1);
	const bias = transposeA ? null : randomValues(n, seed + 2);
	const at = { a: 0, b: m * k, bias: m * k + k * n, c: m * k + k * n + n + 4 };
	const maskAt = (at.c + m * n + 4) & ~3;
	const scratch = maskAt + m * n + 4;
	expect(4 * scratch + gemmScratchBytes(n)).toBeLessThan(memory.buffer.byteLength);
	heap.set(a, at.a);
	heap.set(b, at.b);
	if (bias) heap.set(bias, at.bias);
	heap.fill(Number.NaN, at.c, at.c + m * n);
	for (let i = 0; i < m * n; i++) heap[maskAt + i] = i % 3 === 0 ? -1 : 1;
	gemm.run({ a: 0, ars: transposeA ? 4 : 4 * k, aks: transposeA ? 4 * m : 4, b: 4 * at.b, c: 4 * at.c, m, n, k, bias: bias ? 4 * at.bias : -1, relu, scratch: 4 * scratch, mask: masked ? 4 * maskAt : -1 });
	const want = reference(a, b, m, n, k, transposeA, bias, relu).map((v, i) => (masked && i % 3 === 0 ? 0 : v));
	return { out: heap.slice(at.c, at.c + m * n), want };
}

// The MLP's forward and weight-gradient products, then panels, a 4-wide panel and a 2-column tail with rows not a multiple of 6.
const SHAPES: [number, number, number, boolean][] = [
	[128, 128, 784, false],
	[784, 128, 128, true],
	[101, 38, 300, false],
	[101, 38, 300, true]
];

describe('the GEMM on two threads (cross-origin isolated pages: a shared memory), with and without a relu mask', () => {
	it('splits big products with a helper thread and gives the very bits of one thread', async () => {
		const memory = new WebAssembly.Memory({ initial: 40, maximum: 64, shared: true } as WebAssembly.MemoryDescriptor);
		for (const fma of [true, false]) {
			const gemm = gemmFor(memory, fma)!;
			const alone = SHAPES.map(([m, n, k, t], i) => product(gemm, memory, m, n, k, t, !t, 10 * i));
			expect(gemm.startThread(spawnNodeThread)).toBe(true);
			await until(() => gemm.threads === 2);
			expect(gemm.threads).toBe(2);
			try {
				SHAPES.forEach(([m, n, k, t], i) => {
					expect(m * n * k).toBeGreaterThanOrEqual(GEMM_SPLIT_WORK);
					// Twice: the helper takes job after job.
					for (let again = 0; again < 2; again++) {
						const { out, want } = product(gemm, memory, m, n, k, t, !t, 10 * i);
						expect(Array.from(out)).toEqual(Array.from(alone[i].out));
						let worst = 0;
						for (let j = 0; j < want.length; j++) worst = Math.max(worst, Math.abs(out[j] - want[j]) / (1 + Math.abs(want[j])));
						expect(worst).toBeLessThan(2e-6 * Math.sqrt(k));
					}
				});
			} finally {
				gemm.stopThread();
			}
			expect(gemm.threads).toBe(1);
		}
	});

	it('refuses a second thread on a memory that is not shared (tfjs without cross-origin isolation)', () => {
		const memory = new WebAssembly.Memory({ initial: 2 });
		const gemm = gemmFor(memory)!;
		let spawned = 0;
		expect(gemm.startThread(() => (spawned++, spawnNodeThread()))).toBe(false);
		expect(spawned).toBe(0);
		expect(gemm.threads).toBe(1);
	});

	it('hands each group of a job out once, to whichever thread claims it, and a new job starts from its first group', () => {
		// A thread that never starts: the caller claims every group itself and waits for no one.
		let sent: unknown = null;
		const helper = new GemmHelper({ postMessage: (m) => (sent = m), terminate: () => {} }, { module: null as unknown as WebAssembly.Module, memory: null as unknown as WebAssembly.Memory, tiles: { strided: [], contiguous: [], stridedMasked: [], contiguousMasked: [], rowStrided: [], rowContiguous: [] }, mr: 6, width: 8 });
		expect(sent).not.toBeNull();
		expect(helper.ready).toBe(false);
		const job = Object.fromEntries(JOB_FIELDS.map((f, i) => [f, i])) as GemmJob;
		for (const groups of [5, 1, 8]) {
			helper.post(job, groups);
			const claimed: number[] = [];
			for (let g = helper.claim(); g >= 0; g = helper.claim()) {
				claimed.push(g);
				helper.finished();
			}
			expect(claimed).toEqual(Array.from({ length: groups }, (_, i) => i));
			expect(helper.claim()).toBe(-1);
			helper.wait(groups);
		}
	});
});
