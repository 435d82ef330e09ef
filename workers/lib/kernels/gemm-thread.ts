import { panelPasses } from './gemm-passes';

/**
 * A second thread for Kiln's GEMM (gemm-simd.ts) on a cross-origin isolated page, where
 * tfjs-backend-wasm's heap is a shared WebAssembly memory: a worker instantiates the same GEMM
 * module on that memory and takes groups of a big product's column panels, claimed one at a time
 * from a shared counter by both threads, while the calling thread also computes the column tail
 * and any 4-wide panel. Each panel's values come from the same tiles over the same passes
 * whichever thread runs them, so a product has the same bits with or without the helper.
 *
 * Why claims and not halves: with a fixed half each, the caller waited for a helper that a busy
 * core started late or preempted (in training, the caller's half plus that wait took longer than
 * the whole product alone). Claimed groups go to whichever thread is running; the caller waits at
 * most for the groups the helper already holds.
 *
 * The helper's code is the string below, started from a Blob URL (the threaded tfjs build starts
 * its own threads that way, and csp.config.js allows it for workers), so no bundler is involved.
 * Jobs go through an Int32Array on a SharedArrayBuffer: the caller writes the arguments, resets
 * FINISHED, sets NEXT to (groups << 16 | 0), bumps SEQ and wakes the helper. A thread claims group
 * NEXT & 0xffff with a compare-exchange while it is below NEXT >>> 16, and adds 1 to FINISHED when
 * the group is done; the caller returns once FINISHED counts every group. The helper reads the
 * arguments only after a claim succeeds: a job with a group still held cannot end, so the caller
 * cannot be writing the next job's arguments then. The helper spins briefly before sleeping, as a
 * product follows another within microseconds during a step. The caller only hands work to a
 * helper that has said READY: a worker cannot start while the thread that made it is blocked.
 */

/** Slots of the control array. */
export const SLOT = { SEQ: 0, FINISHED: 1, READY: 2, NEXT: 3, ARGS: 8 } as const;

/** The job's arguments in ARGS order (all i32; addresses and strides in bytes); group: panels per claimed group. */
export const JOB_FIELDS = ['a', 'ars', 'aks', 'b', 'c', 'ldc', 'm', 'k', 'per', 'bias', 'relu', 'scratch', 'mask', 'packed', 'panels', 'group'] as const;
export type GemmJob = Record<(typeof JOB_FIELDS)[number], number>;

/**
 * The helper: { module, memory, control, tiles: names of the wide tiles by height (index 0 unused),
 * for strided and contiguous A, plain and masked, and of the row functions, mr, width: columns per
 * panel }. A claimed group runs panelPasses, whose source is embedded here, so the helper's loop is
 * the caller's own.
 */
export const GEMM_THREAD_SOURCE = `'use strict';
const panelPasses = ${panelPasses.toString()};
self.onmessage = (event) => {
	const { module, memory, control, tiles, mr, width } = event.data;
	self.onmessage = null;
	const x = new WebAssembly.Instance(module, { env: { memory } }).exports;
	const ctl = new Int32Array(control);
	const bind = (names) => names.map((t) => (t ? x[t] : null));
	const t = { pack: x.pack, strided: bind(tiles.strided), contiguous: bind(tiles.contiguous), stridedMasked: bind(tiles.stridedMasked), contiguousMasked: bind(tiles.contiguousMasked), rowStrided: bind(tiles.rowStrided), rowContiguous: bind(tiles.rowContiguous), mr, width };
	const fields = ${JSON.stringify(JOB_FIELDS)};
	const group = (index) => {
		const job = {};
		fields.forEach((field, i) => (job[field] = ctl[${SLOT.ARGS} + i]));
		const p0 = index * job.group;
		panelPasses(t, job, p0, Math.min(job.panels, p0 + job.group));
	};
	let seen = 0;
	Atomics.store(ctl, ${SLOT.READY}, 1);
	Atomics.notify(ctl, ${SLOT.READY});
	for (;;) {
		for (let spin = 0; Atomics.load(ctl, ${SLOT.SEQ}) === seen; spin++) if (spin > 20000) Atomics.wait(ctl, ${SLOT.SEQ}, seen, 1000);
		seen = Atomics.load(ctl, ${SLOT.SEQ});
		if (seen < 0) break;
		for (;;) {
			const next = Atomics.load(ctl, ${SLOT.NEXT});
			if ((next & 0xffff) >= next >>> 16) break;
			if (Atomics.compareExchange(ctl, ${SLOT.NEXT}, next, next + 1) !== next) continue;
			group(next & 0xffff);
			Atomics.add(ctl, ${SLOT.FINISHED}, 1);
			Atomics.notify(ctl, ${SLOT.FINISHED});
		}
	}
	Atomics.store(ctl, ${SLOT.READY}, 0);
	self.close();
};
`;

/** How long a claimed group may go unfinished before the caller gives up on the helper. */
export const STALL_MS = 10_000;

export class GemmStallError extends Error {
	override name = 'GemmStallError';
}

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

	/** Hand over a job of `groups` groups (under 32,768); the helper starts claiming at once. */
	post(job: GemmJob, groups: number): void {
		JOB_FIELDS.forEach((field, i) => (this.control[SLOT.ARGS + i] = job[field]));
		Atomics.store(this.control, SLOT.FINISHED, 0);
		Atomics.store(this.control, SLOT.NEXT, groups << 16);
		this.seq = this.seq === 0x7fffffff ? 1 : this.seq + 1;
		Atomics.store(this.control, SLOT.SEQ, this.seq);
		Atomics.notify(this.control, SLOT.SEQ);
	}

	/** The next unclaimed group of the posted job, now the caller's, or -1 when every group is taken. */
	claim(): number {
		for (;;) {
			const next = Atomics.load(this.control, SLOT.NEXT);
			if ((next & 0xffff) >= next >>> 16) return -1;
			if (Atomics.compareExchange(this.control, SLOT.NEXT, next, next + 1) === next) return next & 0xffff;
		}
	}

	/** Count a group the caller has finished. */
	finished(): void {
		Atomics.add(this.control, SLOT.FINISHED, 1);
	}

	/**
	 * Block until all `groups` groups of the posted job are done (the caller is a worker or Node,
	 * where Atomics.wait is allowed). A helper that holds a group and makes no progress for
	 * STALL_MS (a thread that died) ends in an error instead of a hang.
	 */
	wait(groups: number): void {
		let quietSince = 0;
		for (let spin = 0, done = Atomics.load(this.control, SLOT.FINISHED); done < groups; spin++) {
			if (spin > 20000) {
				const now = performance.now();
				quietSince ||= now;
				if (now - quietSince > STALL_MS) throw new GemmStallError(`the GEMM helper thread finished no group for ${STALL_MS / 1000} s`);
				Atomics.wait(this.control, SLOT.FINISHED, done, 250);
			}
			const seen = Atomics.load(this.control, SLOT.FINISHED);
			if (seen !== done) quietSince = 0;
			done = seen;
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
