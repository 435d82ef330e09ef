// One-off benchmark (not a test): the small CNN of issue 10 training on tfjs-backend-wasm in
// Node, with the RECIPES.md §3 kernel only ("recipe", what plain tfjs-wasm needs to train at
// all) or with Kiln's kernels ("kiln"), plus a per-kernel profile of one step.
//   node scripts/models/run-ts.mjs scripts/models/bench-cnn.ts recipe|kiln [batches]   one side, with a kernel profile
//   node scripts/models/run-ts.mjs scripts/models/bench-cnn.ts compare [batches] [rounds]
// compare alternates both tfjs modes with PyTorch (scripts/models/bench_cnn_torch.py, 1 and 2
// threads) round by round and prints the ratios.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { registerWasmKernels } from '$workers/lib/kernels/register';
import { createRng } from '$workers/lib/random';
import { buildCnn } from '$workers/lib/vision/cnn';
import { makeCnnStep } from '$workers/lib/vision/train-step';
import { BENCH_CNN } from '$workers/lib/vision/presets';
import { registerRecipeKernel } from '../../bench/browser/recipe-kernel';
import { useNodeWasm } from './node-wasm';

async function measure(mode: string, batches: number, batchSize: number, withProfile: boolean) {
	const model = buildCnn(BENCH_CNN, 1);
	const optimizer = tf.train.adam(0.001);
	const step = makeCnnStep(model, optimizer, 10);
	const rng = createRng(1);
	const x = Float32Array.from({ length: batchSize * 784 }, () => rng());
	const y = Int32Array.from({ length: batchSize }, () => Math.floor(rng() * 10));
	const run = async () => {
		const loss = step(x, y);
		const value = (await loss.data())[0];
		loss.dispose();
		return value;
	};
	await run();
	const start = performance.now();
	const cpuStart = process.cpuUsage();
	let last = 0;
	for (let b = 0; b < batches; b++) last = await run();
	const seconds = (performance.now() - start) / 1000;
	const cpu = process.cpuUsage(cpuStart);
	// On a shared machine wall time mostly measures the neighbours; CPU time of this one-thread
	// process is the steadier figure (compare it with PyTorch's 1-thread CPU time).
	const cpuSeconds = (cpu.user + cpu.system) / 1e6;
	// Kernel profile of one step: where the time goes.
	// Batch-1 prediction latency (median of 200 after 20 warm-up runs), reading the result back.
	const one = x.subarray(0, 784);
	const times: number[] = [];
	for (let i = 0; i < 220; i++) {
		const t0 = performance.now();
		const out = tf.tidy(() => model.predict(tf.tensor4d(one, [1, 28, 28, 1])) as tf.Tensor);
		await out.data();
		out.dispose();
		if (i >= 20) times.push(performance.now() - t0);
	}
	const batch1Ms = times.sort((a, b) => a - b)[times.length >> 1];
	// Composite kernels (Kiln's) include the kernels they run inside them. Three profiled steps
	// are averaged; single steps swing a lot on a shared machine.
	const rounds = withProfile ? 3 : 0;
	const byKernel = new Map<string, { ms: number; calls: number }>();
	const calls: { name: string; ms: number; shapes: string }[] = [];
	for (let r = 0; r < rounds; r++) {
		const profile = await tf.profile(() => {
			const loss = step(x, y);
			loss.dataSync();
			loss.dispose();
		});
		for (const k of profile.kernels) {
			const ms = (Number(k.kernelTimeMs) || 0) / rounds;
			const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
			entry.ms += ms;
			entry.calls += 1 / rounds;
			byKernel.set(k.name, entry);
			if (r === rounds - 1) calls.push({ name: k.name, ms: ms * rounds, shapes: `${JSON.stringify(k.inputShapes)} -> ${JSON.stringify(k.outputShapes)}` });
		}
	}
	if (process.env.BENCH_CALLS) for (const c of calls.sort((a, b) => b.ms - a.ms).slice(0, 25)) console.log(`      ${c.name} ${c.ms.toFixed(1)} ms ${c.shapes}`);
	const top = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
	model.dispose();
	optimizer.dispose();
	return { mode, samplesPerSecond: (batches * batchSize) / seconds, cpuSamplesPerSecond: (batches * batchSize) / cpuSeconds, stepMs: (seconds * 1000) / batches, lastLoss: last, batch1Ms, top };
}

function runChild(command: string, args: string[]): Record<string, number> | null {
	const run = spawnSync(command, args, { encoding: 'utf8' });
	const line = run.stdout?.trim().split('\n').pop() ?? '';
	try {
		return JSON.parse(line);
	} catch {
		console.error(`${command} ${args.join(' ')} failed: ${run.stderr?.trim().split('\n').pop()}`);
		return null;
	}
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/**
 * Alternate every contender round by round, so a busy neighbour slows all of them alike, and
 * report the best and median of each: wall samples/s and, for the one-thread runs, samples per
 * CPU-second.
 */
async function compare(rounds: number, batches: number): Promise<void> {
	const self = fileURLToPath(import.meta.url);
	const runner = fileURLToPath(new URL('./run-ts.mjs', import.meta.url));
	const torch = fileURLToPath(new URL('./bench_cnn_torch.py', import.meta.url));
	const results: Record<string, { wall: number[]; cpu: number[]; latency: number[] }> = {};
	const add = (name: string, wall?: number, cpu?: number, latency?: number) => {
		results[name] ??= { wall: [], cpu: [], latency: [] };
		if (wall) results[name].wall.push(wall);
		if (cpu) results[name].cpu.push(cpu);
		if (latency) results[name].latency.push(latency);
	};
	for (let r = 0; r < rounds; r++) {
		for (const mode of ['kiln', 'recipe']) {
			const out = runChild('node', [runner, self, mode, String(batches), '--json']);
			if (out) add(`tfjs-wasm ${mode}`, out.samplesPerSecond, out.cpuSamplesPerSecond, out.batch1Ms);
		}
		for (const threads of [1, 2]) {
			const out = runChild('/usr/bin/python3', [torch, '--threads', String(threads), '--batches', String(batches * 2), '--repeats', '1', '--latency-runs', '50']);
			if (out) add(`pytorch ${threads}t`, out.samplesPerSecond, threads === 1 ? out.samplesPerCpuSecond : undefined, out.batch1MedianMs);
		}
		console.error(`round ${r + 1}/${rounds} done, load ${loadavg()[0].toFixed(1)}`);
	}
	const summary: Record<string, { bestWall: number; medianWall: number; bestCpu?: number; medianCpu?: number }> = {};
	for (const [name, v] of Object.entries(results)) {
		summary[name] = { bestWall: Math.max(...v.wall), medianWall: median(v.wall), ...(v.cpu.length ? { bestCpu: Math.max(...v.cpu), medianCpu: median(v.cpu) } : {}) };
		console.log(`${name.padEnd(18)} wall best ${summary[name].bestWall.toFixed(0)} median ${summary[name].medianWall.toFixed(0)} samples/s${v.cpu.length ? `; per CPU-second best ${summary[name].bestCpu!.toFixed(0)} median ${summary[name].medianCpu!.toFixed(0)}` : ''}; batch-1 p50 best ${Math.min(...v.latency).toFixed(3)} ms`);
	}
	const torchBest = Math.max(summary['pytorch 1t']?.bestWall ?? 0, summary['pytorch 2t']?.bestWall ?? 0);
	for (const mode of ['kiln', 'recipe']) {
		const t = summary[`tfjs-wasm ${mode}`];
		const p1 = summary['pytorch 1t'];
		if (!t || !p1) continue;
		const latency = (name: string) => Math.min(...(results[name]?.latency ?? [Infinity]));
		if (mode === 'kiln') console.log(`batch-1 latency: PyTorch best ${Math.min(latency('pytorch 1t'), latency('pytorch 2t')).toFixed(3)} ms / tfjs-wasm best ${latency('tfjs-wasm kiln').toFixed(3)} ms = ${(Math.min(latency('pytorch 1t'), latency('pytorch 2t')) / latency('tfjs-wasm kiln')).toFixed(2)}x`);
		console.log(`ratio ${mode}: wall best/best-of-PyTorch-threads ${(t.bestWall / torchBest).toFixed(2)}x, median/median 1t ${(t.medianWall / p1.medianWall).toFixed(2)}x, CPU-time best/best 1t ${(t.bestCpu! / p1.bestCpu!).toFixed(2)}x`);
	}
}

export default async function main(args: string[]): Promise<void> {
	const mode = args[0] ?? 'kiln';
	const batches = Number(args[1] ?? 20);
	if (mode === 'compare') return compare(Number(args[2] ?? 5), batches);
	await useNodeWasm();
	// Kernels are global, and Kiln's replacements cannot be taken back: one mode per process.
	if (mode === 'recipe') registerRecipeKernel();
	else registerWasmKernels();
	const result = await measure(mode, batches, 128, !args.includes('--json'));
	if (args.includes('--json')) {
		console.log(JSON.stringify({ samplesPerSecond: result.samplesPerSecond, cpuSamplesPerSecond: result.cpuSamplesPerSecond, lastLoss: result.lastLoss, batch1Ms: result.batch1Ms }));
		return;
	}
	console.log(`${mode}: ${result.samplesPerSecond.toFixed(0)} samples/s wall, ${result.cpuSamplesPerSecond.toFixed(0)} per CPU-second, ${result.stepMs.toFixed(1)} ms/step (batch 128), loss ${result.lastLoss.toFixed(3)}, batch-1 prediction p50 ${result.batch1Ms.toFixed(3)} ms, load ${loadavg()[0].toFixed(1)}`);
	for (const [name, { ms, calls }] of result.top) console.log(`   ${name.padEnd(32)} ${ms.toFixed(2).padStart(8)} ms  ×${Math.round(calls)}`);
}
