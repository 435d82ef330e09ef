/**
 * The bytes of Kiln's float32 GEMM micro-kernels for WebAssembly SIMD, built in code (as
 * adam-simd.ts builds Adam's) so no .wasm file ships. The module imports tfjs-backend-wasm's
 * memory and works on its heap. One function per tile height mr = 1..MR and width (NV or 1
 * vectors of 4 columns); each computes an mr × 4·nv tile of C = A·B (+ C, or + bias) over k terms
 * with mr·nv f32x4 accumulators held in registers, A read as splatted scalars through two byte
 * strides (so Aᵀ needs no transpose), B as rows of 4·nv floats at a byte stride. Text form of
 * one function (nv = 2; `madd` is f32x4.relaxed_madd where the engine validates it, else
 * f32x4.mul then f32x4.add):
 *   (func $tile (param $a $ars $aks $b $bks $c $ldc $k $init $bias $relu [$mask] i32)
 *     init: acc[r][v] ← 0 | load(c + r·ldc + 16v) | load(bias + 16v)
 *     loop k times: b0 ← load(b); b1 ← load(b + 16)
 *                   for r: s ← load32_splat(a + r·ars); acc[r][v] ← madd(s, b_v, acc[r][v])
 *                   a += aks; b += bks
 *     if relu: acc ← max(acc, 0); masked tiles: acc ← acc & (load(mask + r·ldc + 16v) > 0)
 *     store acc[r][v] at c + r·ldc + 16v)
 */

import { I32, name, section, sleb, uleb, V128, vec } from './wasm-bytes';


const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const simd = (op: number) => [0xfd, ...uleb(op)];
const memarg = (align: number, offset: number) => [align, ...uleb(offset)];
const i32Const = (v: number) => [0x41, ...sleb(v)];
const ADD = 0x6a;

const LOAD = (offset: number) => [...simd(0x00), ...memarg(4, offset)];
const LOAD_SPLAT = (offset: number) => [...simd(0x09), ...memarg(2, offset)];
const STORE = (offset: number) => [...simd(0x0b), ...memarg(4, offset)];
const F32X4_ADD = simd(0xe4);
const F32X4_MUL = simd(0xe6);
const F32X4_MAX = simd(0xe9);
const RELAXED_MADD = simd(0x105);
const ZERO = [...simd(0x0c), ...Array(16).fill(0)];

// Parameters, all i32.
const [A, ARS, AKS, B, BKS, C, LDC, K, INIT, BIAS, RELU, MASK] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
// The masked tiles take MASK too: separate functions, because one more parameter and local in the
// hot tiles made V8 compile their k loop ~1.5× slower (bench-gemm, 2026-11-26).
const paramCount = (masked: boolean) => (masked ? 12 : 11);
const F32X4_GT = simd(0x44);
const V128_AND = simd(0x4e);

/**
 * One tile function's body: mr rows, nv vectors of 4 columns. `contiguous`: A's rows are 4 bytes
 * apart (ars is ignored; Aᵀ, or a packed block), so one pointer and constant offsets reach them.
 */
function tileBody(mr: number, nv: number, fma: boolean, contiguous: boolean, masked: boolean): number[] {
	// i32 locals: a pointer per row after the first, a row pointer into C (and into the mask); then v128 locals.
	const PARAMS = paramCount(masked);
	const rowA = (r: number) => (r === 0 || contiguous ? A : PARAMS + r - 1);
	const CROW = PARAMS + mr - 1;
	const MROW = CROW + 1;
	const firstV = masked ? MROW + 1 : CROW + 1;
	const acc = (r: number, v: number) => firstV + r * nv + v;
	const bv = (v: number) => firstV + mr * nv + v;
	const SPLAT = firstV + mr * nv + nv;
	const i32Locals = masked ? mr + 1 : mr;
	const v128Locals = mr * nv + nv + 1;
	const code: number[] = [];
	if (!contiguous) for (let r = 1; r < mr; r++) code.push(...get(rowA(r - 1)), ...get(ARS), ADD, ...set(rowA(r)));
	const eachAcc = (f: (r: number, v: number) => number[]) => {
		for (let r = 0; r < mr; r++) for (let v = 0; v < nv; v++) code.push(...f(r, v));
	};
	// init: 1 loads C, 2 loads the bias row, else zeros.
	const loadC: number[] = [];
	for (let r = 0; r < mr; r++) {
		loadC.push(...get(C), ...(r ? [...get(LDC), ...i32Const(r), 0x6c, ADD] : []), ...set(CROW));
		for (let v = 0; v < nv; v++) loadC.push(...get(CROW), ...LOAD(16 * v), ...set(acc(r, v)));
	}
	const loadBias: number[] = [];
	for (let r = 0; r < mr; r++) for (let v = 0; v < nv; v++) loadBias.push(...get(BIAS), ...LOAD(16 * v), ...set(acc(r, v)));
	const zero: number[] = [];
	for (let r = 0; r < mr; r++) for (let v = 0; v < nv; v++) zero.push(...ZERO, ...set(acc(r, v)));
	code.push(...get(INIT), ...i32Const(1), 0x46, 0x04, 0x40, ...loadC, 0x05);
	code.push(...get(INIT), ...i32Const(2), 0x46, 0x04, 0x40, ...loadBias, 0x05, ...zero, 0x0b, 0x0b);
	// The k loop (k ≥ 1 is the caller's promise).
	const turn: number[] = [];
	for (let v = 0; v < nv; v++) turn.push(...get(B), ...LOAD(16 * v), ...set(bv(v)));
	for (let r = 0; r < mr; r++) {
		turn.push(...get(rowA(r)), ...LOAD_SPLAT(contiguous ? 4 * r : 0), ...set(SPLAT));
		for (let v = 0; v < nv; v++) {
			if (fma) turn.push(...get(SPLAT), ...get(bv(v)), ...get(acc(r, v)), ...RELAXED_MADD, ...set(acc(r, v)));
			else turn.push(...get(acc(r, v)), ...get(SPLAT), ...get(bv(v)), ...F32X4_MUL, ...F32X4_ADD, ...set(acc(r, v)));
		}
	}
	for (let r = 0; r < (contiguous ? 1 : mr); r++) turn.push(...get(rowA(r)), ...get(AKS), ADD, ...set(rowA(r)));
	turn.push(...get(B), ...get(BKS), ADD, ...set(B));
	turn.push(...get(K), ...i32Const(1), 0x6b, 0x22, ...uleb(K), 0x0d, 0); // k -= 1; again while k ≠ 0
	code.push(0x03, 0x40, ...turn, 0x0b);
	code.push(...get(RELU), 0x04, 0x40);
	eachAcc((r, v) => [...get(acc(r, v)), ...ZERO, ...F32X4_MAX, ...set(acc(r, v))]);
	code.push(0x0b);
	// Masked tiles: keep each value only where the matrix at mask (C's shape and stride) is > 0 (a relu's gradient), else +0.
	if (masked) {
		code.push(...get(MASK), ...set(MROW));
		for (let r = 0; r < mr; r++) {
			if (r) code.push(...get(MROW), ...get(LDC), ADD, ...set(MROW));
			for (let v = 0; v < nv; v++) code.push(...get(acc(r, v)), ...get(MROW), ...LOAD(16 * v), ...ZERO, ...F32X4_GT, ...V128_AND, ...set(acc(r, v)));
		}
	}
	code.push(...get(C), ...set(CROW));
	for (let r = 0; r < mr; r++) {
		if (r) code.push(...get(CROW), ...get(LDC), ADD, ...set(CROW));
		for (let v = 0; v < nv; v++) code.push(...get(CROW), ...get(acc(r, v)), ...STORE(16 * v));
	}
	code.push(0x0b);
	const locals = vec([[...uleb(i32Locals), I32], [...uleb(v128Locals), V128]]);
	const body = [...locals, ...code];
	return [...uleb(body.length), ...body];
}

/** pack(src, stride, dst, rows): rows of nv vectors from src (stride bytes apart) to dst, back to back. */
function packBody(nv: number): number[] {
	const [SRC, STRIDE, DST, ROWS] = [0, 1, 2, 3];
	const turn: number[] = [];
	for (let v = 0; v < nv; v++) turn.push(...get(DST), ...get(SRC), ...LOAD(16 * v), ...STORE(16 * v));
	turn.push(...get(SRC), ...get(STRIDE), ADD, ...set(SRC), ...get(DST), ...i32Const(16 * nv), ADD, ...set(DST));
	turn.push(...get(ROWS), ...i32Const(1), 0x6b, 0x22, ROWS, 0x0d, 0);
	const body = [0, 0x03, 0x40, ...turn, 0x0b, 0x0b];
	return [...uleb(body.length), ...body];
}

/**
 * A row function: the plain tile `tile` (function index) over `panels` (≥ 1) column panels of one
 * row block, B `bstep` bytes further and C and the bias 16·nv bytes further each time: one call
 * from JS per row block instead of one per tile.
 */
function rowBody(tile: number, nv: number): number[] {
	const [A_, ARS_, AKS_, B_, BSTEP, BKS_, C_, LDC_, K_, INIT_, BIAS_, RELU_, PANELS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
	const turn = [...[A_, ARS_, AKS_, B_, BKS_, C_, LDC_, K_, INIT_, BIAS_, RELU_].flatMap(get), 0x10, ...uleb(tile)];
	turn.push(...get(B_), ...get(BSTEP), ADD, ...set(B_));
	turn.push(...get(C_), ...i32Const(16 * nv), ADD, ...set(C_));
	turn.push(...get(BIAS_), ...i32Const(16 * nv), ADD, ...set(BIAS_));
	turn.push(...get(PANELS), ...i32Const(1), 0x6b, 0x22, ...uleb(PANELS), 0x0d, 0);
	const body = [0, 0x03, 0x40, ...turn, 0x0b, 0x0b];
	return [...uleb(body.length), ...body];
}

/** Export name of the row function over wide plain tiles of `rows` rows. */
export const rowName = (rows: number, contiguous: boolean): string => `r${tileName(rows, 0, contiguous)}`;

export interface GemmShape {
	/** Tallest tile (rows of C per call). */
	mr: number;
	/** Widest tile, in vectors of 4 columns. */
	nv: number;
}

/** Export name of the tile function for `rows` × 4·`vectors`; `contiguous`: A's rows 4 bytes apart. */
export const tileName = (rows: number, vectors: number, contiguous: boolean, masked = false): string => `${contiguous ? 'c' : 't'}${rows}x${vectors}${masked ? 'm' : ''}`;

/**
 * The module: tile functions for heights 1..mr at widths nv and 1 (nv = 1 counted once), each
 * also as a masked tile (name + 'm', one more parameter: mask, C's shape and stride). A
 * shared memory (tfjs's threaded build) must be imported as shared, with a maximum.
 */
export function gemmModuleBytes(shape: GemmShape, fma: boolean, shared: boolean): Uint8Array<ArrayBuffer> {
	const widths = shape.nv === 1 ? [1] : [shape.nv, 1];
	const tiles = [false, true].flatMap((masked) => [false, true].flatMap((contiguous) => widths.flatMap((nv) => Array.from({ length: shape.mr }, (_, i) => ({ mr: i + 1, nv, contiguous, masked })))));
	const params = (count: number) => [0x60, ...vec(Array.from({ length: count }, () => [I32])), 0];
	// Types: 0 a tile, 1 pack, 2 a masked tile, 3 a row function.
	const type = section(1, vec([params(paramCount(false)), params(4), params(paramCount(true)), params(13)]));
	// Row functions for the wide plain tiles, after pack.
	const rows = tiles.map((t, i) => ({ ...t, index: i })).filter((t) => !t.masked && t.nv === shape.nv);
	const limits = shared ? [0x03, 1, ...uleb(65536)] : [0x00, 1];
	const imports = section(2, vec([[...name('env'), ...name('memory'), 0x02, ...limits]]));
	const funcs = section(3, vec([...tiles.map((t) => [t.masked ? 2 : 0]), [1], ...rows.map(() => [3])]));
	const exports = section(
		7,
		vec([
			...tiles.map((t, i) => [...name(tileName(t.mr, t.nv, t.contiguous, t.masked)), 0x00, ...uleb(i)]),
			[...name('pack'), 0x00, ...uleb(tiles.length)],
			...rows.map((t, j) => [...name(rowName(t.mr, t.contiguous)), 0x00, ...uleb(tiles.length + 1 + j)])
		])
	);
	const code = section(10, [...uleb(tiles.length + 1 + rows.length), ...tiles.flatMap((t) => tileBody(t.mr, t.nv, fma, t.contiguous, t.masked)), ...packBody(shape.nv), ...rows.flatMap((t) => rowBody(t.index, t.nv))]);
	return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...type, ...imports, ...funcs, ...exports, ...code]);
}

/** Whether this engine validates f32x4.relaxed_madd (relaxed SIMD); decided once per caller. */
export function relaxedSimdAvailable(): boolean {
	const probe = [0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 8, 1, 0x60, 3, V128, V128, V128, 1, V128, 3, 2, 1, 0];
	const body = [0, ...get(0), ...get(1), ...get(2), ...RELAXED_MADD, 0x0b];
	try {
		return WebAssembly.validate(new Uint8Array([...probe, ...section(10, [1, ...uleb(body.length), ...body])]));
	} catch {
		return false;
	}
}
