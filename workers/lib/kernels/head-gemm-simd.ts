/**
 * A small strided float32 matrix product as a WebAssembly SIMD function over tfjs-backend-wasm's
 * own heap (it imports that memory, as adam-simd.ts does), for the many tiny products of
 * multi-head attention (64×16 by 16×64 per head and text): tfjs-wasm runs a batched or transposed
 * BatchMatMul as a scalar loop, and splitting it into 2-D XNNPACK calls costs more in kernels
 * than it saves (kernels/mat-mul.ts).
 *
 *   gemm(a, sai, sak, b, ldb, c, ldc, m, k, nBytes, accumulate):
 *     C[i, j] (+)= Σₖ A[i, k] · B[k, j]  for i < m, j < nBytes / 4 (a multiple of 4)
 * Every address and stride is in bytes. A is read one element at a time at a + i·sai + k·sak, so a
 * transposed or head-strided A costs nothing; rows of B and C are contiguous 4-wide lanes
 * (b + k·ldb, c + i·ldc). Each C row is summed over k in order, one float32 multiply and one
 * float32 add a term (f32x4 mul/add are IEEE float32), so the result is the plain loop's.
 */

import { I32, name, section, uleb, V128, vec } from './wasm-bytes';


// Parameters 0–10 (i32), then locals.
const [A, SAI, SAK, B, LDB, C, LDC, M, K, NB, ACC] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const [I, KI, J, CROW, AP, BROW, AV] = [11, 12, 13, 14, 15, 16, 17];

const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const simd = (op: number) => [0xfd, ...uleb(op)];
const [i32add, i32mul, geU, eqz] = [[0x6a], [0x6c], [0x4f], [0x45]];
const constI32 = (v: number) => [0x41, v]; // small non-negative values only (< 64)
const block = (...code: number[][]) => [0x02, 0x40, ...code.flat(), 0x0b];
const loop = (...code: number[][]) => [0x03, 0x40, ...code.flat(), 0x0b];
/** while (local < limit) { body; local += step } with `local` set to 0 first. */
const countUp = (local: number, limit: number, step: number, ...body: number[][]) => [
	...constI32(0), ...set(local),
	...block(loop([...get(local), ...get(limit), ...geU, 0x0d, 1], ...body, [...get(local), ...constI32(step), ...i32add, ...set(local), 0x0c, 0]))
];
const v128load = [...simd(0x00), 2, 0];
const v128store = [...simd(0x0b), 2, 0];
const [splat, f32x4add, f32x4mul] = [0x13, 0xe4, 0xe6].map(simd);

function body(): number[] {
	const zeroRow = [...get(ACC), ...eqz, 0x04, 0x40, ...countUp(J, NB, 16, [...get(CROW), ...get(J), ...i32add, ...simd(0x0c), ...new Array(16).fill(0), ...v128store]), 0x0b];
	const inner = countUp(J, NB, 16, [
		...get(CROW), ...get(J), ...i32add,
		...get(CROW), ...get(J), ...i32add, ...v128load,
		...get(AV), ...get(BROW), ...get(J), ...i32add, ...v128load, ...f32x4mul,
		...f32x4add, ...v128store
	]);
	const overK = countUp(KI, K, 1, [...get(AP), 0x2a, 2, 0, ...splat, ...set(AV)], inner, [...get(AP), ...get(SAK), ...i32add, ...set(AP), ...get(BROW), ...get(LDB), ...i32add, ...set(BROW)]);
	const overI = countUp(I, M, 1, [...get(C), ...get(I), ...get(LDC), ...i32mul, ...i32add, ...set(CROW)], [...get(A), ...get(I), ...get(SAI), ...i32mul, ...i32add, ...set(AP)], [...get(B), ...set(BROW)], zeroRow, overK);
	const code = [...vec([[6, I32], [1, V128]]), ...overI, 0x0b];
	return [...uleb(code.length), ...code];
}

/** The module's bytes; a shared memory (tfjs's threaded build) must be imported as shared, with a maximum. */
export function gemmModuleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
	const type = section(1, vec([[0x60, ...vec(new Array(11).fill([I32])), 0]]));
	const limits = shared ? [0x03, 1, ...uleb(65536)] : [0x00, 1];
	const imports = section(2, vec([[...name('env'), ...name('memory'), 0x02, ...limits]]));
	const funcs = section(3, vec([[0]]));
	const exports = section(7, vec([[...name('gemm'), 0x00, 0]]));
	const code = section(10, [...uleb(1), ...body()]);
	return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...type, ...imports, ...funcs, ...exports, ...code]);
}

export type GemmSimd = (a: number, sai: number, sak: number, b: number, ldb: number, c: number, ldc: number, m: number, k: number, nBytes: number, accumulate: number) => void;

const instances = new WeakMap<WebAssembly.Memory, GemmSimd | null>();

/** The product bound to `memory`, or null where WebAssembly SIMD is not available (the caller loops in JS). */
export function gemmSimdFor(memory: WebAssembly.Memory): GemmSimd | null {
	if (!instances.has(memory)) {
		let bound: GemmSimd | null = null;
		try {
			const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
			const instance = new WebAssembly.Instance(new WebAssembly.Module(gemmModuleBytes(shared)), { env: { memory } });
			bound = instance.exports.gemm as unknown as GemmSimd;
		} catch {
			bound = null;
		}
		instances.set(memory, bound);
	}
	return instances.get(memory) ?? null;
}
