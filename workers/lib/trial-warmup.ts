import type { Table, TrainCheckpoint, TrainConfig } from '$workers/protocol';
import { buildModel } from './model';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { createRng } from '$workers/lib/random';
import { trainForScore } from './train';
import { yieldTask } from './yield-task';
import { chunksToTable, describeColumns, tableToChunks } from '$lib/db/columnar';

const ROWS = 1600;
const FEATURES = 24;

/** A seeded table: numeric features and a three-class target that depends on them. */
function syntheticTable(): Table {
	const rng = createRng(7);
	const columns = Array.from({ length: FEATURES }, (_, j) => ({ name: `x${j}`, kind: 'numeric' as const, values: Float64Array.from({ length: ROWS }, () => rng() * 2 - 1) }));
	const codes = Int32Array.from({ length: ROWS }, (_, r) => (columns[0].values[r] + columns[1].values[r] > 0 ? (columns[2].values[r] > 0 ? 2 : 1) : 0));
	// The classes twice: as categories, and as whole numbers (a numeric column, as digits' or any coded target is).
	return { rowCount: ROWS, columns: [...columns, { name: 'y', kind: 'categorical', categories: ['a', 'b', 'c'], codes }, { name: 'yn', kind: 'numeric', values: Float64Array.from(codes) }] };
}

/**
 * The fused step's paths a search takes: relu with and without dropout (the GEMM's relu mask), tanh
 * and elu, with their hidden sizes. The plain relu network (the Train form's default) comes last:
 * each new path made V8 recompile the step, and what the warm-up trains last is what V8 has compiled
 * when it ends (with elu last, the step's final compile ran during the first epoch of the run that
 * followed). It ends with a second plain relu network of another shape, so the code V8 keeps has
 * already seen a new model arrive: the bench's run after the warm-up then went from 61–76k to
 * 73–79k samples/s in two interleaved A/Bs of four rounds (bench/README.md). Some of the networks
 * learn the classes from a numeric column: a search on digits (whose target is whole numbers) had
 * V8 throw away the encoding code (labelledRows, isMissingAt, classLabels: "wrong map") in its first
 * trial when the warm-up had seen only categorical targets. The tanh network has three hidden
 * layers, the default search space's deepest, so the kernels have seen models of two, three and
 * four Dense layers. The fifth element marks the network trained in two halves with a resume
 * between them (`trainResumed`); the sixth is the batch size. The last network's batches of 8 give
 * the step's per-batch functions (Adam's kernel, tidy, the tensors a batch makes) about 1,400 more
 * calls: with batches of 32 throughout they were still at Maglev when the warm-up ended and
 * reached TurboFan in a search's first trial, in every worker (V8's log, bench/v8-log.mjs). That
 * moved Adam's kernel; tfjs's makeTensor, tidy and tensor2d still end the warm-up at Maglev and are
 * compiled by TurboFan in a search's first half second, even with 3,000 more steps here (session
 * 20, bench/README.md).
 */
const NETS = [
	['tanh', [0.1], [64, 64, 64], 'y', false, 32],
	['elu', [0.1], [64, 64], 'yn', false, 32],
	['relu', [0.1], [64, 64], 'yn', false, 32],
	['relu', [0], [45, 45], 'yn', true, 32],
	['relu', [0], [64, 64], 'y', false, 32],
	['relu', [0], [32], 'y', false, 8]
] as const;

/**
 * Models built (and dropped) before anything is trained. Building a worker's seventh model made V8
 * throw away the compiled trial path ("dependent prototype chain changed": the fused step's
 * kernels, trainLoop, tfjs's kernelFunc), whichever job built it — with session 13's five warm-up
 * networks, a search's second trial; with six, its first (per-trial markers in V8's --trace-opt output,
 * bench/README.md). What changes at that model inside tfjs or V8 is not known; building these first
 * moves it before the warm-up compiles anything: no such event in 16 trials after it, and 1.50 /
 * 1.72 s of TurboFan compiles in a 16-trial search of 30 epochs against 1.85 / 1.88 s before.
 */
const THROWAWAY_MODELS = 8;
let modelsBuilt = false;

/** Builds and drops THROWAWAY_MODELS models, once per worker: past the seventh, more change nothing. */
function buildThrowawayModels(): void {
	if (modelsBuilt) return;
	modelsBuilt = true;
	buildAndDrop(THROWAWAY_MODELS, [16, 16]);
}

/** `count` models of the warm-up's table shape built and disposed. */
function buildAndDrop(count: number, hiddenLayers: number[]): void {
	for (let i = 0; i < count; i++) buildModel({ kind: 'mlp', inputSize: FEATURES, outputSize: 3, hiddenLayers, seed: i + 1 }).dispose();
}

let idMapShared = false;

/**
 * Give V8's map of one-property `{ id }` literals a transition before the warm-up compiles
 * anything. tfjs-backend-wasm's data ids are such literals, so V8 treats that map as stable in
 * the compiled trial path (makeTensor, trackTensor, disposeTensor, typedArrayFromHeap, the fused
 * step's kernels…). Comlink's first callback in the worker — a trial's first event — builds
 * `Object.assign({ id }, message)`, which adds a transition to that map: V8 then threw all that
 * code away ("dependent prototype chain changed", the deopts session 9 traced to the first trial)
 * and each worker recompiled it during the search. Adding a transition here first means the code
 * is compiled without relying on that map staying a leaf, so nothing is thrown away later.
 */
export function shareIdMap(): void {
	if (idMapShared) return;
	idMapShared = true;
	// Kept reachable so no minifier drops it; Object.assign on a fresh one-property literal is what Comlink does.
	(globalThis as { kilnIdMapTransition?: object }).kilnIdMapTransition = Object.assign({ id: 0 }, { kind: 'warm-up' });
}

/**
 * Train small networks (relu with and without dropout, tanh and elu; one of them stopped and
 * resumed from its checkpoint, as a promoted trial is) through the path search trials take
 * (encoding, model build, the fused step, validation figures), on a synthetic table.
 * A pool worker runs this while the Tune page's form is filled in, so V8 compiles that path
 * before a search's first trials rather than during them, once per worker. It has to run the path
 * about as hot as a trial does: session 8's version (120 rows, 12 units, 36 steps in all) left
 * the hot kernels (relu/loss backward, Adam, tfjs's bookkeeping) uncompiled — V8 compiled them in
 * the search's first second, in each worker — and a search with two workers took 1.3× the browser
 * CPU of one with a worker (session 9, tune bench). 4 × 160 steps of 24 → 64 → 64 → 3 still left
 * V8 tiering functions up to TurboFan during the search, on its background threads, in every
 * worker; 4 × 480 steps moved most of that before Start (session 10: the search's thread-pool CPU
 * about a third lower, for 1–3 s more warm-up). It first calls shareIdMap, or the browser threw
 * much of it away at the first trial. Then it goes over the networks once more, a third as long:
 * the first pass's last networks still made V8 throw away some code (the fused step, the loss
 * kernel) and compile it again, and those final TurboFan compiles had landed in the search's first
 * trials. With the second pass, V8's log (bench/v8-log.mjs) counted 30 TurboFan compiles of
 * 307 ms in the bench's two-worker search against 41 of 574–628 ms, for about 0.7 s more
 * warm-up. `signal` (a trial reaching this worker) stops it within about 50 ms (the training
 * loop's turns, yield-task.ts); `epochs` per network in the first pass (specs pass fewer: what
 * they check does not depend on it).
 */
export async function warmTrialPath(signal?: AbortSignal, epochs = 12): Promise<void> {
	shareIdMap();
	buildThrowawayModels();
	// Made as a trial's table is (read from IndexedDB) and its config cloned as the page's message
	// is: V8 then compiles the path for the kinds of objects a trial hands it, see `asTrialSees`.
	const table = asStoredTable(syntheticTable());
	for (const passEpochs of [epochs, Math.max(2, Math.round(epochs / 3))]) {
		for (const net of NETS) {
			// A turn for the worker's messages: a trial arriving stops the warm-up here.
			await yieldTask();
			if (signal?.aborted) return;
			try {
				await trainWarmUpNet(table, net, passEpochs, signal);
			} catch (e) {
				if (signal?.aborted) return;
				throw e;
			}
		}
	}
	await yieldTask();
	if (signal?.aborted) return;
	buildAndDrop(INIT_MODELS, [64, 64]);
}

/**
 * Models built and dropped at the end: a trial builds one, and tfjs's weight initialisers
 * (truncatedNormal_, randomUniform_) reached TurboFan only in a search's first trials, ~60 ms of
 * compiling per worker there (V8's log, bench/v8-log.mjs). They still do in some searches (V8's
 * log queued randomUniform_ after Start in session 20).
 */
const INIT_MODELS = 24;

async function trainWarmUpNet(table: Table, [activation, dropout, hidden, target, resumed, batchSize]: (typeof NETS)[number], epochs: number, signal?: AbortSignal): Promise<void> {
	const config: TrainConfig = asTrialSees({
		...DEFAULT_CONFIG,
		target,
		task: 'classification',
		features: columnsOf(table),
		hiddenLayers: [...hidden],
		epochs,
		batchSize,
		patience: 0,
		mlp: { activation, dropout: [...dropout] }
	});
	if (resumed) await trainResumed(table, config, signal);
	else await trainForScore(table, config, { signal });
}

/**
 * `value` after a structured clone, as a trial's config (a message from the page) and a promoted
 * trial's checkpoint (from IndexedDB) reach the worker: V8 reads such arrays back as its generic
 * holey kind and their strings as plain, not internalised, strings. A warm-up on values built here
 * compiled the path for packed arrays and literal strings, and each worker threw that code away at
 * its first trial ("wrong map", "wrong instance type" in the encoding, the loss, Adam's kernel) and
 * compiled it again.
 */
function asTrialSees<T>(value: T): T {
	return structuredClone(value);
}

/**
 * `table` as a trial gets it: its chunks and column descriptions come out of IndexedDB (cloned)
 * and loadTable builds the columns from them. A cloned table's column objects have other maps
 * than the literals chunksToTable makes, and with a cloned table each worker threw the encoding
 * code away at its first trial ("wrong map" in findColumn, classLabels, encodeFeatures,
 * encodeTarget, isMissingAt) and compiled it again during the search (tune bench, V8's log).
 */
function asStoredTable(table: Table): Table {
	return chunksToTable(asTrialSees(describeColumns(table)), asTrialSees(tableToChunks('warm-up', table)));
}

/**
 * A search's promotions: half the epochs with a checkpoint at the end, then the rest resumed from
 * it after a structured clone, as a promoted trial's checkpoint arrives from IndexedDB. Without it
 * each worker compiled the restore path (Variable.assign, tf.io.decodeWeights …) at its first
 * promotion, mid-search. The layers are 45 wide, as the tune bench's grid has them: a width that
 * is no multiple of 4 takes the GEMM's edge and tail passes, which the other networks never did
 * (V8 recompiled the GEMM driver in each worker's first trial of such a width).
 */
async function trainResumed(table: Table, config: TrainConfig, signal?: AbortSignal): Promise<void> {
	// One epoch cannot be split: it trains as the other networks do.
	if (config.epochs < 2) return void (await trainForScore(table, config, { signal }));
	let checkpoint: TrainCheckpoint | undefined;
	const half = Math.floor(config.epochs / 2);
	await trainForScore(table, { ...config, epochs: half }, { signal, checkpointAtEnd: true, onCheckpoint: (c) => void (checkpoint = asTrialSees(c)) });
	if (signal?.aborted || !checkpoint) return;
	await trainForScore(table, config, { signal, resume: checkpoint });
}

const columnsOf = (table: Table) => table.columns.filter((c) => c.name !== 'y' && c.name !== 'yn').map((c) => c.name);
