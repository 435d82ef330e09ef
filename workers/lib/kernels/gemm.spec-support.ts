// Node-only: Node 20's V8 validates relaxed SIMD (the GEMM's FMA tiles) only behind a flag, which
// Chromium no longer needs. Importing this first lets the specs run both tile kinds.
// Specs share one module graph (isolate: false), so an earlier probe without the flag is forgotten.
import v8 from 'node:v8';
import { forgetRelaxedSimdProbe } from './gemm-simd';

v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
forgetRelaxedSimdProbe();
