/**
 * Adam's per-element update as a tiny WebAssembly SIMD function that works in place on
 * tfjs-backend-wasm's own heap (it imports that module's memory), so the update of a
 * 784 × 128 kernel costs one pass of 4-wide float32 arithmetic instead of a scalar JS loop
 * (3–6× slower) or tfjs's eleven kernels (eleven passes). f32x4 add, mul, div and sqrt are
 * IEEE float32 operations, so each lane gives the very bits of the float32 sequence in
 * dense-train.ts' adamUpdate, which is tfjs's.
 *
 * The module is about 560 bytes, encoded below instead of shipped as a file; its text form:
 *   (func (param $w $g $m $v $w2 $m2 $v2 $bytes i32) (param $b1 $k1 $b2 $k2 $c1 $c2 $eps $step $l2 f32)
 *     loop: g ← g + l2·(w + w) [adamL2 only]; m2 ← m·b1 + g·k1; v2 ← v·b2 + (g·g)·k2;
 *           w2 ← ((m2 / c1) / (√(v2 / c2) + eps))·step + w; 16 bytes a turn until $bytes)
 */

import { F32, I32, name, section, uleb, V128, vec } from './wasm-bytes';


// Parameters 0–7 are i32 (seven byte offsets and the byte count), 8–16 f32; locals follow.
const [W, G, M, V, W2, M2, V2, BYTES] = [0, 1, 2, 3, 4, 5, 6, 7];
const [AT, B1, K1, B2, K2, C1, C2, EPS, STEP, L2, GRAD, MNEW, VNEW] = [17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29];

const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const simd = (op: number) => [0xfd, ...uleb(op)];
const load = (base: number) => [...get(base), ...get(AT), 0x6a, ...simd(0x00), 2, 0];
const store = [...simd(0x0b), 2, 0];
const [splat, sqrt, add, mul, div] = [0x13, 0xe3, 0xe4, 0xe6, 0xe7].map(simd);

function body(withL2: boolean): number[] {
	const splats = [B1, K1, B2, K2, C1, C2, EPS, STEP, L2].flatMap((local, i) => [...get(8 + i), ...splat, ...set(local)]);
	const l2 = withL2 ? [...get(GRAD), ...get(L2), ...load(W), ...load(W), ...add, ...mul, ...add, ...set(GRAD)] : [];
	const turn = [
		...get(AT), ...get(BYTES), 0x4f, 0x0d, 1, // if at ≥ bytes: leave the block
		...load(G), ...set(GRAD),
		...l2,
		...load(M), ...get(B1), ...mul, ...get(GRAD), ...get(K1), ...mul, ...add, ...set(MNEW),
		...load(V), ...get(B2), ...mul, ...get(GRAD), ...get(GRAD), ...mul, ...get(K2), ...mul, ...add, ...set(VNEW),
		...get(M2), ...get(AT), 0x6a, ...get(MNEW), ...store,
		...get(V2), ...get(AT), 0x6a, ...get(VNEW), ...store,
		...get(W2), ...get(AT), 0x6a,
		...get(MNEW), ...get(C1), ...div,
		...get(VNEW), ...get(C2), ...div, ...sqrt, ...get(EPS), ...add,
		...div, ...get(STEP), ...mul, ...load(W), ...add, ...store,
		...get(AT), 0x41, 16, 0x6a, ...set(AT), // at += 16
		0x0c, 0 // next turn
	];
	const code = [...vec([[1, I32], [12, V128]]), ...splats, 0x02, 0x40, 0x03, 0x40, ...turn, 0x0b, 0x0b, 0x0b];
	return [...uleb(code.length), ...code];
}

/** The module's bytes; a shared memory (tfjs's threaded build) must be imported as shared, with a maximum. */
export function adamModuleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
	const params = [...Array(8).fill(I32), ...Array(9).fill(F32)];
	const type = section(1, vec([[0x60, ...vec(params.map((p) => [p])), 0]]));
	const limits = shared ? [0x03, 1, ...uleb(65536)] : [0x00, 1];
	const imports = section(2, vec([[...name('env'), ...name('memory'), 0x02, ...limits]]));
	const funcs = section(3, vec([[0], [0]]));
	const exports = section(7, vec([[...name('adam'), 0x00, 0], [...name('adamL2'), 0x00, 1]]));
	const code = section(10, [...uleb(2), ...body(false), ...body(true)]);
	return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...type, ...imports, ...funcs, ...exports, ...code]);
}

export type AdamSimd = (w: number, g: number, m: number, v: number, w2: number, m2: number, v2: number, bytes: number, b1: number, k1: number, b2: number, k2: number, c1: number, c2: number, eps: number, step: number, l2: number) => void;

const instances = new WeakMap<WebAssembly.Memory, { adam: AdamSimd; adamL2: AdamSimd } | null>();

/** The update bound to `memory`, or null where WebAssembly SIMD is not available (the caller loops in JS). */
export function adamSimdFor(memory: WebAssembly.Memory): { adam: AdamSimd; adamL2: AdamSimd } | null {
	if (!instances.has(memory)) {
		let bound: { adam: AdamSimd; adamL2: AdamSimd } | null = null;
		try {
			const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
			const instance = new WebAssembly.Instance(new WebAssembly.Module(adamModuleBytes(shared)), { env: { memory } });
			bound = instance.exports as unknown as { adam: AdamSimd; adamL2: AdamSimd };
		} catch {
			bound = null;
		}
		instances.set(memory, bound);
	}
	return instances.get(memory) ?? null;
}
