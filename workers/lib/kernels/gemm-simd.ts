import { gemmModuleBytes, relaxedSimdAvailable, rowName, tileName, type GemmShape } from './gemm-module';
import { panelPasses, type Pack, type PassJob, type PassTiles, type Row, type Tile } from './gemm-passes';
import { GemmHelper, type ThreadLike } from './gemm-thread';

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
	/** Address of an [m, n] matrix (C's stride): C is kept where it is > 0, else +0 (a relu's gradient through its output); -1 or absent: none. */
	mask?: number;
	/** Address of gemmScratchBytes() free bytes, 16-byte aligned (packed panels of B, the column tail); -1 only when n is a multiple of 4 (B read in place). */
	scratch: number;
}

export interface Gemm {
	/** Whether the tiles use f32x4.relaxed_madd (fused multiply-add) or f32x4 mul then add. */
	fma: boolean;
	/** C = A·B (+ bias) (relu); the caller checks gemmFits. */
	run(args: GemmArgs): void;
	/**
	 * Split big products with a second thread from `spawn` (shared memory only); false when the
	 * memory is not shared or spawn gives none. Products use it once it has started.
	 */
	startThread(spawn: () => ThreadLike | null): boolean;
	/** End the second thread, if any. */
	stopThread(): void;
	/** 2 while a started helper thread shares each big product, else 1. */
	readonly threads: number;
}

/** Multiply-adds from which a product is split over two threads (the MLP's big products have 12.8 M; waking the helper costs microseconds). */
export const GEMM_SPLIT_WORK = 1 << 20;

/** Claimed groups a split product is cut into at most: small enough that a late or preempted thread leaves little for the other to wait on, large enough that A is re-read only a few times a pass. */
export const GEMM_GROUPS = 8;

/** 6 rows × 8 columns: 12 accumulators + 2 B vectors + 1 splat, within x86-64's 16 vector registers; beat 4×8, 5×8 and 4×12 in bench-gemm.ts. */
export const GEMM_SHAPE: GemmShape = { mr: 6, nv: 2 };
/** Terms per pass over k: a 256 × 8 panel of B (8 KB) stays in L1 while the row blocks of A go by. */
export const GEMM_KC = 256;

/**
 * Bytes of scratch a product with n columns needs: B's full-width panels of one pass packed
 * (kc × 4·nv each), and for the last n mod 4 columns a zero-padded kc × 4 panel, an mr × 4 tile
 * and 4 bias values.
 */
export const gemmScratchBytes = (n: number, shape: GemmShape = GEMM_SHAPE, kc = GEMM_KC): number =>
	4 * (kc * 4 * shape.nv * Math.floor(n / (4 * shape.nv)) + kc * 4 + shape.mr * 4 + 4);

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
			const module = new WebAssembly.Module(gemmModuleBytes(shape, useFma, shared));
			const instance = new WebAssembly.Instance(module, { env: { memory } });
			let helper: GemmHelper | null = null;
			const rowNames = (contiguous: boolean) => Array.from({ length: shape.mr + 1 }, (_, rows) => (rows ? rowName(rows, contiguous) : null));
			const names = (contiguous: boolean, masked = false) => Array.from({ length: shape.mr + 1 }, (_, rows) => (rows ? tileName(rows, shape.nv, contiguous, masked) : null));
			gemm = {
				fma: useFma,
				run: driver(memory, instance.exports as Record<string, Tile>, shape, kc, () => (helper?.ready ? helper : null)),
				startThread(spawn) {
					if (!shared) return false;
					if (helper) return true;
					const init = { module, memory, tiles: { strided: names(false), contiguous: names(true), stridedMasked: names(false, true), contiguousMasked: names(true, true), rowStrided: rowNames(false), rowContiguous: rowNames(true) }, mr: shape.mr, width: 4 * shape.nv };
					const thread = spawn();
					if (thread) helper = new GemmHelper(thread, init);
					return helper !== null;
				},
				stopThread() {
					helper?.stop();
					helper = null;
				},
				get threads() {
					return helper?.ready ? 2 : 1;
				}
			};
		} catch {
			gemm = null;
		}
		cache.set(key, gemm);
	}
	return cache.get(key) ?? null;
}

/**
 * The loops around the tiles: k in passes of kc; in each pass every full-width column panel of B
 * is packed (its rows back to back) once, then each block of mr rows of A goes across all the
 * panels while it sits in L1 (panelPasses). Row blocks outside, panels inside: A (for the weight
 * gradient Xᵀ, 400 KB, as big as C) is read once per pass, where panels outside read it once per
 * panel. The last columns that fill no wide panel (a 4-wide panel, a tail of n mod 4) go through
 * their own passes here.
 */
function driver(memory: WebAssembly.Memory, exports: Record<string, Tile | Pack>, shape: GemmShape, kc: number, helperOf: () => GemmHelper | null): (args: GemmArgs) => void {
	const { mr: MR, nv: NV } = shape;
	const tiles = (nv: number, contiguous: boolean, masked = false) => Array.from({ length: MR + 1 }, (_, rows) => (rows ? (exports[tileName(rows, nv, contiguous, masked)] as Tile) : null));
	// Row functions: a plain wide tile over all of a row block's panels in one call.
	const rowsOf = (contiguous: boolean) => Array.from({ length: MR + 1 }, (_, rows) => (rows ? (exports[rowName(rows, contiguous)] as unknown as Row) : null));
	const width = 4 * NV;
	const wideTiles: PassTiles = { pack: exports.pack as Pack, strided: tiles(NV, false), contiguous: tiles(NV, true), stridedMasked: tiles(NV, false, true), contiguousMasked: tiles(NV, true, true), rowStrided: rowsOf(false), rowContiguous: rowsOf(true), mr: MR, width };
	const narrowTiles = { strided: tiles(1, false), contiguous: tiles(1, true), stridedMasked: tiles(1, false, true), contiguousMasked: tiles(1, true, true) };
	// Named so V8's traces and profiles can say which function they mean.
	return function gemmDriver({ a, ars, aks, b, c, m, n, k, bias, relu, scratch, mask = -1 }) {
		const ldc = 4 * n;
		const full = n - (n % 4);
		const panels = Math.floor(full / width);
		// Panels are packed when there is scratch and more than one row block reads them.
		const packed = scratch >= 0 && m > MR && panels > 0;
		// Passes of equal length (784 = 4 × 196, not 3 × 256 + 16): a short last pass would reload and store all of C for little work.
		const per = Math.ceil(k / Math.ceil(k / kc));
		const job: PassJob = { a, ars, aks, b, c, ldc, m, k, per, bias, relu: relu ? 1 : 0, scratch, mask, packed: packed ? 1 : 0 };
		// A big product's panels go in claimed groups to this thread and the helper (which runs the same panelPasses).
		// Asked on every product: asked only on big ones, a worker whose first big product came after
		// V8 had compiled this driver threw that code away there (no feedback for the call; V8's log).
		const available = helperOf();
		const helper = available && packed && panels > 1 && m * n * k >= GEMM_SPLIT_WORK ? available : null;
		if (!helper) {
			panelPasses(wideTiles, job, 0, panels);
			edges(job, n, full, panels);
			return;
		}
		const group = Math.ceil(panels / GEMM_GROUPS);
		const groups = Math.ceil(panels / group);
		helper.post({ ...job, panels, group }, groups);
		// The edge columns stay here, done while the helper wakes.
		edges(job, n, full, panels);
		for (let g = helper.claim(); g >= 0; g = helper.claim()) {
			panelPasses(wideTiles, job, g * group, Math.min(panels, (g + 1) * group));
			helper.finished();
		}
		helper.wait(groups);
	};

	/** Every pass over the columns past the wide panels: a last 4-wide panel (B read in place) and the tail past a multiple of 4. */
	function edges(j: PassJob, n: number, full: number, panels: number): void {
		const narrowPanel = panels * width < full;
		if (!narrowPanel && full === n) return;
		const contiguous = j.ars === 4;
		for (let k0 = 0; k0 < j.k; k0 += j.per) {
			const terms = Math.min(j.per, j.k - k0);
			const last = k0 + terms >= j.k ? 1 : 0;
			const init = k0 > 0 ? 1 : j.bias >= 0 ? 2 : 0;
			const aStart = j.a + k0 * j.aks;
			const bStart = j.b + k0 * j.ldc;
			const masked = last === 1 && j.mask >= 0;
			if (full < n) tail({ a: aStart, ars: j.ars, aks: j.aks, b: bStart, c: j.c, m: j.m, n, k: terms, bias: j.bias, relu: j.relu === 1 && last === 1, scratch: j.scratch, mask: masked ? j.mask : -1 }, full, init, panels);
			if (!narrowPanel) continue;
			const narrow = masked ? (contiguous ? narrowTiles.contiguousMasked : narrowTiles.stridedMasked) : contiguous ? narrowTiles.contiguous : narrowTiles.strided;
			const col = 4 * width * panels;
			for (let i = 0; i < j.m; i += MR) {
				const rows = Math.min(MR, j.m - i);
				narrow[rows]!(aStart + i * j.ars, j.ars, j.aks, bStart + col, j.ldc, j.c + i * j.ldc + col, j.ldc, terms, init, j.bias + col, j.relu ? last : 0, masked ? j.mask + i * j.ldc + col : -1);
			}
		}
	}

	/** The last n − from (< 4) columns over one pass: B's columns, C's and the bias padded to 4 in scratch, the tile written there, then copied back. */
	function tail(p: GemmArgs, from: number, init: number, panels: number): void {
		const cols = p.n - from;
		const heap = new Float32Array(memory.buffer);
		const panel = (p.scratch >> 2) + kc * 4 * NV * panels;
		const tile = panel + kc * 4;
		const biasAt = tile + MR * 4;
		heap.fill(0, panel, biasAt + 4);
		for (let t = 0; t < p.k; t++) for (let j = 0; j < cols; j++) heap[panel + 4 * t + j] = heap[(p.b >> 2) + t * p.n + from + j];
		if (init === 2) for (let j = 0; j < cols; j++) heap[biasAt + j] = heap[(p.bias >> 2) + from + j];
		const narrow = p.ars === 4 ? narrowTiles.contiguous : narrowTiles.strided;
		for (let i = 0; i < p.m; i += MR) {
			const rows = Math.min(MR, p.m - i);
			const out = (r: number) => (p.c >> 2) + (i + r) * p.n + from;
			if (init === 1) for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) heap[tile + 4 * r + j] = heap[out(r) + j];
			narrow[rows]!(p.a + i * p.ars, p.ars, p.aks, 4 * panel, 16, 4 * tile, 16, p.k, init, 4 * biasAt, p.relu ? 1 : 0);
			const mask = p.mask ?? -1;
			for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) heap[out(r) + j] = mask < 0 || heap[(mask >> 2) + (i + r) * p.n + from + j] > 0 ? heap[tile + 4 * r + j] : 0;
		}
	}
}
