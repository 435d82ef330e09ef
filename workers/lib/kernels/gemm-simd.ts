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
	/** Address of GEMM_SCRATCH_BYTES free bytes (the packed panel of B), or -1 to read B in place. */
	scratch: number;
}

export interface Gemm {
	/** Whether the tiles use f32x4.relaxed_madd (fused multiply-add) or f32x4 mul then add. */
	fma: boolean;
	/** C = A·B (+ bias) (relu). n must be a multiple of 4 (the caller checks gemmFits). */
	run(args: GemmArgs): void;
}

/** 6 rows × 8 columns: 12 accumulators + 2 B vectors + 1 splat, within x86-64's 16 vector registers; beat 4×8, 5×8 and 4×12 in bench-gemm.ts. */
export const GEMM_SHAPE: GemmShape = { mr: 6, nv: 2 };
/** Terms per pass over k: a 256 × 8 panel of B (8 KB) stays in L1 while the row blocks of A go by. */
export const GEMM_KC = 256;

/** Bytes of scratch a product needs (one packed kc × 8 panel of B). */
export const gemmScratchBytes = (shape: GemmShape = GEMM_SHAPE, kc = GEMM_KC): number => kc * 16 * shape.nv;

/** Whether gemm serves this product: columns in vectors of 4, and something to multiply. */
export const gemmFits = (m: number, n: number, k: number): boolean => m > 0 && k > 0 && n > 0 && n % 4 === 0;

let relaxed: boolean | undefined;
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
			gemm = { fma: useFma, run: driver(instance.exports as Record<string, Tile>, shape, kc) };
		} catch {
			gemm = null;
		}
		cache.set(key, gemm);
	}
	return cache.get(key) ?? null;
}

/** The loops around the tiles: k in passes of kc, then column panels, then row blocks. */
function driver(exports: Record<string, Tile | Pack>, shape: GemmShape, kc: number): (args: GemmArgs) => void {
	const { mr: MR, nv: NV } = shape;
	const tiles = (nv: number, contiguous: boolean) => Array.from({ length: MR + 1 }, (_, rows) => (rows ? (exports[tileName(rows, nv, contiguous)] as Tile) : null));
	const pack = exports.pack as Pack;
	const strided = { wide: tiles(NV, false), narrow: tiles(1, false) };
	const contiguous = { wide: tiles(NV, true), narrow: tiles(1, true) };
	return ({ a, ars, aks, b, c, m, n, k, bias, relu, scratch }) => {
		const { wide, narrow } = ars === 4 ? contiguous : strided;
		const ldc = 4 * n;
		for (let k0 = 0; k0 < k; k0 += kc) {
			const terms = Math.min(kc, k - k0);
			const last = k0 + terms >= k ? 1 : 0;
			const init = k0 > 0 ? 1 : bias >= 0 ? 2 : 0;
			const aStart = a + k0 * aks;
			const bStart = b + k0 * ldc;
			for (let j = 0; j < n; ) {
				const nv = n - j >= 4 * NV ? NV : 1;
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
}
