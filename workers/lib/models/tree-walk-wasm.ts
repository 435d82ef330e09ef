/**
 * The tree walk of batch prediction as a small WebAssembly function, built in code (as
 * kernels/adam-simd.ts builds Adam's) so no .wasm file ships. It reads the 8-byte packed nodes of
 * tree-predict.ts (float32 threshold rounded down, then feature | child·2 + missingLeft << shift)
 * and writes each row's leaf. In JavaScript the same loop pays for bounds checks, boolean-to-number
 * conversions and whatever the JIT makes of it; here it is a fixed, short sequence of loads and
 * integer operations.
 *
 * LANES rows walk the tree at once and independently: their loads do not depend on each other, so
 * the CPU overlaps them; a lane whose row reaches a leaf stores it and takes the next row at once
 * (rows of one group would otherwise all wait for the deepest: ~27 % more steps on a 100-tree
 * forest's full-depth trees). When rows run out, a lane walks row 0 again and stores into the
 * spare slot leaves[n] until every row is done. Text form:
 *   (func (param $nodes $x $rowBytes $n $leaves $shift $mask i32) (export "walk")
 *     lane j: node_j ← 0; row_j ← j < n ? j : n; at_j ← x + (row_j < n ? row_j·rowBytes : 0)
 *     loop: for each lane j:
 *             w ← i32.load(nodes + 8·node_j + 4); c ← w >>s shift; v ← f32.load(at_j + 4·(w & mask))
 *             next ← (c >> 1) + 1 − ((v ≤ f32.load(nodes + 8·node_j)) | ((v ≠ v) & c))
 *             if next = node_j (a leaf points to itself):
 *               leaves[row_j] ← node_j; done += row_j < n
 *               row_j ← taken < n ? taken++ : n; at_j ← x + (row_j < n ? row_j·rowBytes : 0); node_j ← 0
 *             else node_j ← next
 *           until done = n)
 */

import { F32, I32, name, section, sleb, uleb, vec } from '../kernels/wasm-bytes';

/** Rows in flight per call; each lane is 3 locals, and 4 already keep the loads overlapped. */
export const LANES = 4;

const [NODES, X, ROW_BYTES, N, LEAVES, SHIFT, MASK] = [0, 1, 2, 3, 4, 5, 6];
const [TAKEN, DONE, W, C, NEXT] = [7, 8, 9, 10, 11];
/** The one float local, then three i32 locals per lane. */
const V = 12;
const LANE0 = 13;
const node = (j: number) => LANE0 + 3 * j;
const row = (j: number) => LANE0 + 3 * j + 1;
const at = (j: number) => LANE0 + 3 * j + 2;

const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const tee = (i: number) => [0x22, ...uleb(i)];
const i32Const = (v: number) => [0x41, ...sleb(v)];
const [ADD, SUB, MUL, AND, OR, SHL, SHR_S, EQ, LT_U, GE_U] = [0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x74, 0x75, 0x46, 0x49, 0x4f];
const [F32_NE, F32_LE, SELECT, EQZ, F64_ADD, F64_MUL] = [0x5c, 0x5f, 0x1b, 0x45, 0xa0, 0xa2];
const F64 = 0x7c;
const F64_LOAD = [0x2b, 3, 0];
const F64_STORE = [0x39, 3, 0];
const I32_LOAD = (offset: number) => [0x28, 2, ...uleb(offset)];
const F32_LOAD = [0x2a, 2, 0];
const I32_STORE = [0x36, 2, 0];
const [BLOCK, LOOP, IF, ELSE, END, BR, BR_IF, VOID] = [0x02, 0x03, 0x04, 0x05, 0x0b, 0x0c, 0x0d, 0x40];

/** at_j ← x + (row_j < n ? row_j · rowBytes : 0): a lane past the last row reads row 0. */
const pointAt = (j: number) => [...get(X), ...get(row(j)), ...get(ROW_BYTES), MUL, ...i32Const(0), ...get(row(j)), ...get(N), LT_U, SELECT, ADD, ...set(at(j))];

function step(j: number): number[] {
	const nodeAddress = [...get(node(j)), ...i32Const(3), SHL, ...get(NODES), ADD];
	return [
		...nodeAddress, ...I32_LOAD(4), ...tee(W), ...get(SHIFT), SHR_S, ...set(C),
		...get(at(j)), ...get(W), ...get(MASK), AND, ...i32Const(2), SHL, ADD, ...F32_LOAD, ...set(V),
		...get(C), ...i32Const(1), SHR_S, ...i32Const(1), ADD,
		...get(V), ...nodeAddress, ...F32_LOAD, F32_LE,
		...get(V), ...get(V), F32_NE, ...get(C), AND, OR, SUB, ...tee(NEXT),
		...get(node(j)), EQ,
		IF, VOID,
		// A leaf: store it, count the row if it is a real one, take the next row.
		...get(LEAVES), ...get(row(j)), ...i32Const(2), SHL, ADD, ...get(node(j)), ...I32_STORE,
		...get(DONE), ...get(row(j)), ...get(N), LT_U, ADD, ...set(DONE),
		...get(TAKEN), ...get(N), ...get(TAKEN), ...get(N), LT_U, SELECT, ...set(row(j)),
		...get(TAKEN), ...get(TAKEN), ...get(N), LT_U, ADD, ...set(TAKEN),
		...pointAt(j),
		...i32Const(0), ...set(node(j)),
		ELSE,
		...get(NEXT), ...set(node(j)),
		END
	];
}

function walkBody(lanes: number): number[] {
	const init: number[] = [];
	for (let j = 0; j < lanes; j++) init.push(...i32Const(j), ...get(N), ...i32Const(j), ...get(N), LT_U, SELECT, ...set(row(j)), ...pointAt(j));
	init.push(...i32Const(lanes), ...get(N), ...i32Const(lanes), ...get(N), LT_U, SELECT, ...set(TAKEN));
	const turn: number[] = [];
	for (let j = 0; j < lanes; j++) turn.push(...step(j));
	const code = [
		...vec([[5, I32], [1, F32], [...uleb(3 * lanes), I32]]),
		...init,
		// Locals start at zero: node_j = 0 is the root, done = 0.
		BLOCK, VOID,
		...get(DONE), ...get(N), GE_U, BR_IF, 0,
		LOOP, VOID, ...turn, ...get(DONE), ...get(N), LT_U, BR_IF, 0, END,
		END,
		END
	];
	return [...uleb(code.length), ...code];
}

/**
 * `add`: out[i·stride + c] += weight · values[leaves[i]·k + c] for rows i < n, c < k, in float64
 * with the multiply and the add rounded separately (WebAssembly never fuses them), as JavaScript
 * computes it, so the sums are those of the JavaScript loop bit for bit. Text form:
 *   (func (param $leaves $n $values $k $out $strideBytes i32) (param $weight f64) (export "add")
 *     for i < n: at ← values + 8k·leaves[i]; for c < k: out[c] ← out[c] + weight · at[c]; out += strideBytes)
 */
function addBody(): number[] {
	const [LEAVES_A, N_A, VALUES, K, OUT, STRIDE, WEIGHT] = [0, 1, 2, 3, 4, 5, 6];
	const [I, AT, CB, KB] = [7, 8, 9, 10];
	const code = [
		...vec([[4, I32]]),
		...get(K), ...i32Const(3), SHL, ...set(KB),
		BLOCK, VOID,
		...get(N_A), EQZ, BR_IF, 0,
		LOOP, VOID,
		...get(VALUES), ...get(LEAVES_A), ...I32_LOAD(0), ...get(KB), MUL, ADD, ...set(AT),
		...i32Const(0), ...set(CB),
		LOOP, VOID,
		...get(OUT), ...get(CB), ADD,
		...get(OUT), ...get(CB), ADD, ...F64_LOAD,
		...get(WEIGHT), ...get(AT), ...get(CB), ADD, ...F64_LOAD, F64_MUL, F64_ADD, ...F64_STORE,
		...get(CB), ...i32Const(8), ADD, ...tee(CB), ...get(KB), LT_U, BR_IF, 0,
		END,
		...get(OUT), ...get(STRIDE), ADD, ...set(OUT),
		...get(LEAVES_A), ...i32Const(4), ADD, ...set(LEAVES_A),
		...get(I), ...i32Const(1), ADD, ...tee(I), ...get(N_A), LT_U, BR_IF, 0,
		END,
		END,
		END
	];
	return [...uleb(code.length), ...code];
}

/** The module: one exported memory (grown by the caller), `walk` and `add`. */
export function treeWalkModuleBytes(lanes = LANES): Uint8Array<ArrayBuffer> {
	const walkType = [0x60, ...vec(Array.from({ length: 7 }, () => [I32])), 0];
	const addType = [0x60, ...vec([...Array.from({ length: 6 }, () => [I32]), [F64]]), 0];
	const type = section(1, vec([walkType, addType]));
	const funcs = section(3, vec([[0], [1]]));
	const memory = section(5, vec([[0x00, 1]]));
	const exports = section(7, vec([[...name('walk'), 0x00, 0], [...name('add'), 0x00, 1], [...name('memory'), 0x02, 0]]));
	const code = section(10, [...uleb(2), ...walkBody(lanes), ...addBody()]);
	return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...type, ...funcs, ...memory, ...exports, ...code]);
}

export interface TreeWalker {
	memory: WebAssembly.Memory;
	walk(nodes: number, x: number, rowBytes: number, n: number, leaves: number, shift: number, mask: number): void;
	add(leaves: number, n: number, values: number, k: number, out: number, strideBytes: number, weight: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

/**
 * A fresh instance (its own memory, freed with it after the call that asked for it), or null where
 * WebAssembly cannot run (no 'wasm-unsafe-eval' in a page's CSP, say): the caller then walks in
 * JavaScript.
 */
export function treeWalker(): TreeWalker | null {
	if (compiled === undefined) {
		try {
			compiled = new WebAssembly.Module(treeWalkModuleBytes());
		} catch {
			compiled = null;
		}
	}
	if (!compiled) return null;
	try {
		return new WebAssembly.Instance(compiled).exports as unknown as TreeWalker;
	} catch {
		return null;
	}
}
