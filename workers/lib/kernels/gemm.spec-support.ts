// Node-only: Node 20's V8 validates relaxed SIMD (the GEMM's FMA tiles) only behind a flag, which
// Chromium no longer needs. Importing this first lets the specs run both tile kinds.
// Specs share one module graph (isolate: false), so an earlier probe without the flag is forgotten.
import v8 from 'node:v8';
import { forgetRelaxedSimdProbe } from './gemm-simd';

v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
forgetRelaxedSimdProbe();

import { Worker } from 'node:worker_threads';
import { GEMM_THREAD_SOURCE, type ThreadLike } from './gemm-thread';

/** The GEMM's helper thread in Node: GEMM_THREAD_SOURCE in a worker_threads worker, behind a `self` like a Web Worker's. */
export function spawnNodeThread(): ThreadLike {
	const shim = `const { parentPort } = require('node:worker_threads');
globalThis.self = { set onmessage(f) { if (f) parentPort.once('message', (data) => f({ data })); }, close() { parentPort.close(); } };
`;
	return new Worker(shim + GEMM_THREAD_SOURCE, { eval: true });
}
