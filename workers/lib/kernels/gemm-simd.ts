import { gemmModuleBytes, relaxedSimdAvailable, tileName, type GemmShape } from './gemm-module';

type Pack = (src: number, stride: number, dst: number, rows: number) => void;
type Tile = (a: number, ars: number, aks: number, b: number, bks: number, c: number, ldc: number, k: number, init: number, bias: number, relu: number) => void;

/** A product on a wasm heap; every address and stride is in bytes. */
export interface GemmArgs {
	/** Element (i, kk) of A at a + i·ars + kk·aks: row-major A is (4k, 4), Aᵀ of a row-major [k, m] is (4, 4m). */
	a: number;
	ars: number;
	aks: number;
	/** B row-major [k, n]. */
	b: number;
	/** C row-major [m, n], written (not added to). */
	c: number;
	m: number;
	n: number;
	k: number;
	/** Address of n floats added to every row, or -1 for none. */
	bias: number;
	relu: boolean;
	/** Address of gemmScratchBytes() free bytes, 16-byte aligned (packed panels of B, the column tail); -1 only when n is a multiple of 4 (B read in place). */
	scratch: number;
}

export interface Gemm {
	/** Whether the tiles use f32x4.relaxed_madd (fused multiply-add) or f32x4 mul then add. */
	fma: boolean;
	/** C = A·B (+ bias) (relu); the caller checks gemmFits. */
	run(args: GemmArgs): void;
}

/** 6 rows × 8 columns: 12 accumulators + 2 B vectors + 1 splat, within x86-64's 16 vector registers; beat 4×8, 5×8 and 4×12 in bench-gemm.ts. */
export const GEMM_SHAPE: GemmShape = { mr: 6, nv: 2 };
/** Terms per pass over k: a 256 × 8 panel of B (8 KB) stays in L1 while the row blocks of A go by. */
export const GEMM_KC = 256;

/**
 * Bytes of scratch a product needs: one packed kc × 4·nv panel of B, and for the last n mod 4
 * columns a zero-padded kc × 4 panel, an mr × 4 tile and 4 bias values.
 */
export const gemmScratchBytes = (shape: GemmShape = GEMM_SHAPE, kc = GEMM_KC): number => 4 * (kc * 4 * shape.nv + kc * 4 + shape.mr * 4 + 4);

/** Whether gemm serves this product: anything non-empty (columns past a multiple of 4 go through scratch). */
export const gemmFits = (m: number, n: number, k: number): boolean => m > 0 && k > 0 && n > 0;

let relaxed: boolean | undefined;

/** Probe relaxed SIMD again at the next gemmFor (a Node spec that turned V8's flag on after an earlier probe). */
export function forgetRelaxedSimdProbe(): void {
	relaxed = undefined;
}
const instances = new WeakMap<WebAssembly.Memory, Map<string, Gemm | null>>();

/**
 * The GEMM bound to `memory` (tfjs-backend-wasm's heap), or null where WebAssembly SIMD is not
 * available. `fma` picks the tiles: relaxed SIMD's f32x4.relaxed_madd (default: where the engine
 * validates it, checked once) or plain f32x4 mul + add. Same engine, same choice ⇒ same bits.
 */
export function gemmFor(memory: WebAssembly.Memory, fma?: boolean, shape: GemmShape = GEMM_SHAPE, kc = GEMM_KC): Gemm | null {
	relaxed ??= relaxedSimdAvailable();
	const useFma = (fma ?? relaxed) && relaxed;
	const key = `${shape.mr}x${shape.nv}/${kc}/${useFma}`;
	let cache = instances.get(memory);
	if (!cache) instances.set(memory, (cache = new Map()));
	if (!cache.has(key)) {
		let gemm: Gemm | null = null;
		try {
			const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
			const instance = new WebAssembly.Instance(new WebAssembly.Module(gemmModuleBytes(shape, useFma, shared)), { env: { memory } });
			gemm = { fma: useFma, run: driver(memory, instance.exports as Record<string, Tile>, shape, kc) };
		} catch {
			gemm = null;
		}
		cache.set(key, gemm);
	}
	return cache.get(key) ?? null;
}

/** The loops around the tiles: k in passes of kc, then column panels, then row blocks. */
function driver(memory: WebAssembly.Memory, exports: Record<string, Tile | Pack>, shape: GemmShape, kc: number): (args: GemmArgs) => void {
	const { mr: MR, nv: NV } = shape;
	const tiles = (nv: number, contiguous: boolean) => Array.from({ length: MR + 1 }, (_, rows) => (rows ? (exports[tileName(rows, nv, contiguous)] as Tile) : null));
	const pack = exports.pack as Pack;
	const strided = { wide: tiles(NV, false), narrow: tiles(1, false) };
	const contiguous = { wide: tiles(NV, true), narrow: tiles(1, true) };
	return ({ a, ars, aks, b, c, m, n, k, bias, relu, scratch }) => {
		const { wide, narrow } = ars === 4 ? contiguous : strided;
		const ldc = 4 * n;
		const full = n - (n % 4);
		// Passes of equal length (784 = 4 × 196, not 3 × 256 + 16): a short last pass would reload and store all of C for little work.
		const per = Math.ceil(k / Math.ceil(k / kc));
		for (let k0 = 0; k0 < k; k0 += per) {
			const terms = Math.min(per, k - k0);
			const last = k0 + terms >= k ? 1 : 0;
			const init = k0 > 0 ? 1 : bias >= 0 ? 2 : 0;
			const aStart = a + k0 * aks;
			const bStart = b + k0 * ldc;
			if (full < n) tail({ a: aStart, ars, aks, b: bStart, c, m, n, k: terms, bias, relu: relu && last === 1, scratch }, full, init);
			for (let j = 0; j < full; ) {
				const nv = full - j >= 4 * NV ? NV : 1;
				const row = nv === NV ? wide : narrow;
				const biasAt = bias + 4 * j;
				// A full panel is packed (its rows back to back) when there is scratch and more than one row block reads it.
				const packed = scratch >= 0 && nv === NV && m > MR;
				if (packed) pack(bStart + 4 * j, ldc, scratch, terms);
				const panel = packed ? scratch : bStart + 4 * j;
				const bks = packed ? 16 * NV : ldc;
				for (let i = 0; i < m; i += MR) {
					const rows = Math.min(MR, m - i);
					row[rows]!(aStart + i * ars, ars, aks, panel, bks, c + i * ldc + 4 * j, ldc, terms, init, biasAt, relu ? last : 0);
				}
				j += 4 * nv;
			}
		}
	};

	/** The last n − from (< 4) columns over one pass: B's columns, C's and the bias padded to 4 in scratch, the tile written there, then copied back. */
	function tail(p: GemmArgs, from: number, init: number): void {
		const cols = p.n - from;
		const heap = new Float32Array(memory.buffer);
		const panel = (p.scratch >> 2) + kc * 4 * NV;
		const tile = panel + kc * 4;
		const biasAt = tile + MR * 4;
		heap.fill(0, panel, biasAt + 4);
		for (let t = 0; t < p.k; t++) for (let j = 0; j < cols; j++) heap[panel + 4 * t + j] = heap[(p.b >> 2) + t * p.n + from + j];
		if (init === 2) for (let j = 0; j < cols; j++) heap[biasAt + j] = heap[(p.bias >> 2) + from + j];
		const { narrow } = p.ars === 4 ? contiguous : strided;
		for (let i = 0; i < p.m; i += MR) {
			const rows = Math.min(MR, p.m - i);
			const out = (r: number) => (p.c >> 2) + (i + r) * p.n + from;
			if (init === 1) for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) heap[tile + 4 * r + j] = heap[out(r) + j];
			narrow[rows]!(p.a + i * p.ars, p.ars, p.aks, 4 * panel, 16, 4 * tile, 16, p.k, init, 4 * biasAt, p.relu ? 1 : 0);
			for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) heap[out(r) + j] = heap[tile + 4 * r + j];
		}
	}
}
