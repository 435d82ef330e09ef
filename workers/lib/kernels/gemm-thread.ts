/**
 * A second thread for Kiln's GEMM (gemm-simd.ts) on a cross-origin isolated page, where
 * tfjs-backend-wasm's heap is a shared WebAssembly memory: a worker instantiates the same GEMM
 * module on that memory and computes the right half of the column panels of a big product while
 * the calling thread computes the left half, the column tail and any 4-wide panel. Each panel's
 * values come from the same tiles over the same passes whichever thread runs them, so a product
 * has the same bits with or without the helper.
 *
 * The helper's code is the string below, started from a Blob URL (the threaded tfjs build starts
 * its own threads that way, and csp.config.js allows it for workers), so no bundler is involved.
 * Jobs go through an Int32Array on a SharedArrayBuffer: the caller writes the arguments, bumps
 * SEQ and wakes the helper; the helper writes DONE. The helper spins briefly before sleeping, as
 * a product follows another within microseconds during a step. The caller only hands work to a
 * helper that has said READY: a worker cannot start while the thread that made it is blocked.
 */

/** Slots of the control array. */
export const SLOT = { SEQ: 0, DONE: 1, READY: 2, ARGS: 8 } as const;

/** The job's arguments in ARGS order (all i32; addresses and strides in bytes). */
export const JOB_FIELDS = ['a', 'ars', 'aks', 'b', 'c', 'ldc', 'm', 'k', 'per', 'bias', 'relu', 'scratch', 'p0', 'p1', 'mask'] as const;
export type GemmJob = Record<(typeof JOB_FIELDS)[number], number>;

/**
 * The helper: { module, memory, control, tiles: names of the wide tiles by height (index 0 unused),
 * for strided and contiguous A, plain and masked, and of the row functions, mr, width: columns per panel }. Its pass loop is the caller's
 * (gemm-simd.ts, panelPasses): packed panels p0..p1 of each pass, row blocks outside.
 */
export const GEMM_THREAD_SOURCE = `'use strict';
self.onmessage = (event) => {
	const { module, memory, control, tiles, mr, width } = event.data;
	self.onmessage = null;
	const x = new WebAssembly.Instance(module, { env: { memory } }).exports;
	const ctl = new Int32Array(control);
	const bind = (names) => names.map((t) => (t ? x[t] : null));
	const strided = bind(tiles.strided);
	const contiguous = bind(tiles.contiguous);
	const stridedMasked = bind(tiles.stridedMasked);
	const contiguousMasked = bind(tiles.contiguousMasked);
	const rowStrided = bind(tiles.rowStrided);
	const rowContiguous = bind(tiles.rowContiguous);
	const pack = x.pack;
	let seen = 0;
	Atomics.store(ctl, ${SLOT.READY}, 1);
	Atomics.notify(ctl, ${SLOT.READY});
	for (;;) {
		for (let spin = 0; Atomics.load(ctl, ${SLOT.SEQ}) === seen; spin++) if (spin > 20000) Atomics.wait(ctl, ${SLOT.SEQ}, seen, 1000);
		seen = Atomics.load(ctl, ${SLOT.SEQ});
		if (seen < 0) break;
		const [a, ars, aks, b, c, ldc, m, k, per, bias, relu, scratch, p0, p1, mask] = ctl.subarray(${SLOT.ARGS}, ${SLOT.ARGS + JOB_FIELDS.length});
		for (let k0 = 0; k0 < k; k0 += per) {
			const terms = Math.min(per, k - k0);
			const last = k0 + terms >= k ? 1 : 0;
			const init = k0 > 0 ? 1 : bias >= 0 ? 2 : 0;
			const aStart = a + k0 * aks;
			const bStart = b + k0 * ldc;
			const step = 4 * terms * width;
			for (let p = p0; p < p1; p++) pack(bStart + 4 * width * p, ldc, scratch + p * step, terms);
			const masked = last && mask >= 0;
			const wide = masked ? (ars === 4 ? contiguousMasked : stridedMasked) : ars === 4 ? contiguous : strided;
			for (let i = 0; i < m; i += mr) {
				const tile = wide[Math.min(mr, m - i)];
				if (masked) for (let p = p0; p < p1; p++) tile(aStart + i * ars, ars, aks, scratch + p * step, 4 * width, c + i * ldc + 4 * width * p, ldc, terms, init, bias + 4 * width * p, relu ? last : 0, mask + i * ldc + 4 * width * p);
				else if (p1 > p0) (ars === 4 ? rowContiguous : rowStrided)[Math.min(mr, m - i)](aStart + i * ars, ars, aks, scratch + p0 * step, step, 4 * width, c + i * ldc + 4 * width * p0, ldc, terms, init, bias + 4 * width * p0, relu ? last : 0, p1 - p0);
			}
		}
		Atomics.store(ctl, ${SLOT.DONE}, seen);
		Atomics.notify(ctl, ${SLOT.DONE});
	}
	Atomics.store(ctl, ${SLOT.READY}, 0);
	self.close();
};
`;

/** What the helper needs from a thread: a message port and a way to end it (a Worker, or Node's worker_threads through a shim). */
export interface ThreadLike {
	postMessage(message: unknown): void;
	terminate(): void;
}

/** The caller's side of one helper thread. */
export class GemmHelper {
	private readonly control: Int32Array;
	private seq = 0;
	private readonly thread: ThreadLike;

	constructor(thread: ThreadLike, init: { module: WebAssembly.Module; memory: WebAssembly.Memory; tiles: Record<'strided' | 'contiguous' | 'stridedMasked' | 'contiguousMasked' | 'rowStrided' | 'rowContiguous', (string | null)[]>; mr: number; width: number }) {
		this.control = new Int32Array(new SharedArrayBuffer(4 * (SLOT.ARGS + JOB_FIELDS.length)));
		this.thread = thread;
		this.thread.postMessage({ ...init, control: this.control.buffer });
	}

	/** Whether the helper has started (until then products run on the calling thread alone). */
	get ready(): boolean {
		return Atomics.load(this.control, SLOT.READY) === 1;
	}

	/** Hand over a job; the helper starts at once. */
	post(job: GemmJob): void {
		JOB_FIELDS.forEach((field, i) => (this.control[SLOT.ARGS + i] = job[field]));
		this.seq = this.seq === 0x7fffffff ? 1 : this.seq + 1;
		Atomics.store(this.control, SLOT.SEQ, this.seq);
		Atomics.notify(this.control, SLOT.SEQ);
	}

	/** Block until the posted job is done (the caller is a worker or Node, where Atomics.wait is allowed). */
	wait(): void {
		for (let spin = 0; Atomics.load(this.control, SLOT.DONE) !== this.seq; spin++) {
			if (spin > 20000) Atomics.wait(this.control, SLOT.DONE, Atomics.load(this.control, SLOT.DONE), 1000);
		}
	}

	/** End the thread; later products run on the calling thread alone. */
	stop(): void {
		Atomics.store(this.control, SLOT.SEQ, -1);
		Atomics.notify(this.control, SLOT.SEQ);
		Atomics.store(this.control, SLOT.READY, 0);
		this.thread.terminate();
	}
}

/** A helper thread from GEMM_THREAD_SOURCE in the browser, or null where there are no workers or no shared memory. */
export function spawnBrowserThread(): ThreadLike | null {
	if (typeof Worker === 'undefined' || typeof Blob === 'undefined' || typeof URL.createObjectURL !== 'function') return null;
	if (!(globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated) return null;
	// The URL stays valid: revoking it before the worker has fetched its script could stop it starting.
	return new Worker(URL.createObjectURL(new Blob([GEMM_THREAD_SOURCE], { type: 'text/javascript' })), { name: 'kiln-gemm' });
}
