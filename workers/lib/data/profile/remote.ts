import { KilnError, type ErrorKind } from '$shared/errors';
import type { ImportWarning, SchemaColumn } from '../import/types';
import { PackedStrings, type Dictionary } from '../import/packed';
import { createProfiler, type ProfilerOptions } from './profiler';
import type { DatasetProfile } from './types';

/**
 * The profile as an import drives it — chunks in, then seal and finish — in this thread
 * (`localProfile`) or another one (`remoteProfile`). `addChunk` resolves once the caller may
 * refill the chunk's arrays.
 */
export interface ProfileRun {
	reserve(rows: number): void;
	addChunk(arrays: readonly (Float64Array | Int32Array)[], rowCount: number): Promise<void>;
	seal(): Promise<void>;
	finish(dictionaries: readonly (Dictionary | null)[], warnings: readonly ImportWarning[]): Promise<DatasetProfile>;
	/** Lets the thread go (after finish, or when the import failed or was cancelled). */
	close(): void;
}

export type ProfileFactory = (columns: readonly SchemaColumn[], options: ProfilerOptions) => ProfileRun;

export const localProfile: ProfileFactory = (columns, options) => {
	const profiler = createProfiler(columns, options);
	return {
		reserve: (rows) => profiler.reserve(rows),
		addChunk: async (arrays, rowCount) => profiler.addChunk(arrays, rowCount),
		seal: async () => profiler.seal(),
		finish: async (dictionaries, warnings) => profiler.finish(dictionaries, warnings),
		close() {}
	};
};

/** A worker or a message port. */
export interface ProfileEndpoint {
	postMessage(message: unknown, transfer?: Transferable[]): void;
	addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
	addEventListener(type: 'error', listener: (event: Event) => void): void;
}

type Arrays = (Float64Array | Int32Array)[];
/** What the importer sends. */
export type ProfileRequest =
	| { kind: 'start'; columns: SchemaColumn[]; options: ProfilerOptions }
	| { kind: 'reserve'; rows: number }
	| { kind: 'chunk'; arrays: Arrays; rowCount: number }
	| { kind: 'seal' }
	| { kind: 'finish'; dictionaries: (readonly string[] | SentPacked | null)[]; warnings: ImportWarning[] };
/** A packed dictionary as it crosses threads (a clone keeps no class). */
type SentPacked = { packed: string; length: number };
/** What the profile's thread answers. */
export type ProfileReply = { kind: 'free'; arrays: Arrays } | { kind: 'sealed' } | { kind: 'done'; profile: DatasetProfile } | { kind: 'error'; name: string; message: string };

const buffersOf = (arrays: Arrays) => arrays.map((a) => a.buffer as ArrayBuffer);

/**
 * The profile's per-chunk work in another thread, so the importer's thread only parses: each
 * chunk is copied into a set of arrays that goes over (transferred) and comes back when profiled,
 * at most `depth` sets in flight. The sets are reused: fresh memory costs ~3 ms/MB to touch in
 * Chromium here, a copy into touched memory a fraction of that.
 */
export function remoteProfile(endpoint: ProfileEndpoint, columns: readonly SchemaColumn[], options: ProfilerOptions, close: () => void, depth = 2): ProfileRun {
	const pool: Arrays[] = [];
	let inFlight = 0;
	let failure: Error | null = null;
	let wake: (() => void) | null = null;
	let answer: { resolve: (reply: ProfileReply) => void; reject: (error: Error) => void } | null = null;
	const fail = (error: Error) => {
		failure ??= error;
		wake?.();
		answer?.reject(failure);
		answer = null;
	};
	endpoint.addEventListener('message', (event: MessageEvent) => {
		const reply = event.data as ProfileReply;
		if (reply.kind === 'free') {
			inFlight--;
			pool.push(reply.arrays);
			wake?.();
		} else if (reply.kind === 'error') fail(new KilnError(reply.name as ErrorKind, reply.message));
		else {
			answer?.resolve(reply);
			answer = null;
		}
	});
	endpoint.addEventListener('error', () => fail(new KilnError('ImportError', 'The profile\'s worker stopped.')));
	const ask = (request: ProfileRequest) =>
		new Promise<ProfileReply>((resolve, reject) => {
			if (failure) return reject(failure);
			answer = { resolve, reject };
			endpoint.postMessage(request);
		});
	endpoint.postMessage({ kind: 'start', columns: [...columns], options } satisfies ProfileRequest);
	return {
		reserve(rows) {
			endpoint.postMessage({ kind: 'reserve', rows } satisfies ProfileRequest);
		},
		async addChunk(arrays, rowCount) {
			while (!failure && inFlight >= depth) await new Promise<void>((resolve) => (wake = resolve));
			wake = null;
			if (failure) throw failure;
			const set = pool.pop() ?? arrays.map((a) => (a instanceof Float64Array ? new Float64Array(a.length) : new Int32Array(a.length)));
			for (let c = 0; c < arrays.length; c++) set[c].set(arrays[c].subarray(0, rowCount));
			inFlight++;
			endpoint.postMessage({ kind: 'chunk', arrays: set, rowCount } satisfies ProfileRequest, buffersOf(set));
		},
		async seal() {
			await ask({ kind: 'seal' });
		},
		async finish(dictionaries, warnings) {
			const sent = dictionaries.map((d) => (d instanceof PackedStrings ? { packed: d.packed, length: d.length } : d));
			const reply = await ask({ kind: 'finish', dictionaries: sent, warnings: [...warnings] });
			if (reply.kind !== 'done') throw new KilnError('ImportError', 'The profile\'s worker gave no profile.');
			return reply.profile;
		},
		close
	};
}

/** The profile's thread: answers one import's requests on `endpoint` (a worker's scope or a port). */
export function serveProfile(endpoint: ProfileEndpoint): void {
	let profiler: ReturnType<typeof createProfiler> | null = null;
	endpoint.addEventListener('message', (event: MessageEvent) => {
		const request = event.data as ProfileRequest;
		try {
			if (request.kind === 'start') profiler = createProfiler(request.columns, request.options);
			else if (!profiler) throw new KilnError('ImportError', 'The profile was not started.');
			else if (request.kind === 'reserve') profiler.reserve(request.rows);
			else if (request.kind === 'chunk') {
				profiler.addChunk(request.arrays, request.rowCount);
				endpoint.postMessage({ kind: 'free', arrays: request.arrays } satisfies ProfileReply, buffersOf(request.arrays));
			} else if (request.kind === 'seal') {
				profiler.seal();
				endpoint.postMessage({ kind: 'sealed' } satisfies ProfileReply);
			} else {
				const dictionaries = request.dictionaries.map((d) => (d && !Array.isArray(d) ? new PackedStrings((d as SentPacked).packed, (d as SentPacked).length) : (d as readonly string[] | null)));
				endpoint.postMessage({ kind: 'done', profile: profiler.finish(dictionaries, request.warnings) } satisfies ProfileReply);
			}
		} catch (e) {
			const error = e as Error;
			endpoint.postMessage({ kind: 'error', name: error.name || 'ImportError', message: error.message } satisfies ProfileReply);
		}
	});
}
