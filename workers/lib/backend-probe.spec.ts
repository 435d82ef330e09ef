import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName, BackendProbe, BackendTiming } from '$workers/protocol';
import { useBackend } from '$workers/lib/kernels/wasm.spec-support';
import { autoBackend, findProbe, pickFastest, rememberProbe, shapeSignature, timeBackend, timeSteps, type ProbeOptions } from './backend-probe';
import { cnnPreset } from './vision/presets';
import { cnnProbeRunner, cnnSignature } from './vision/probe-cnn';
import { trainCnn } from './vision/train-cnn';
import { loadImageSet, slice } from './vision/vision.spec-support';

const SHAPE = { height: 28, width: 28, channels: 1 as const };
const SPEC = cnnPreset('tiny', SHAPE, 10);
const LIMITS = { maxSteps: 2, budgetMs: 150 };

function realBatch(n: number) {
	const set = loadImageSet('digits-28.kimg.gz');
	return { pixels: set.images.subarray(0, n * 784), labels: set.labels.subarray(0, n) };
}

/** Node offers cpu and wasm; a backend in `broken` refuses to start (as a GPU backend can). */
function nodeOptions(broken: BackendName[] = []): Pick<ProbeOptions, 'activate' | 'build' | 'limits'> & { builds: () => number } {
	let builds = 0;
	const batch = realBatch(8);
	return {
		limits: LIMITS,
		async activate(name) {
			if (broken.includes(name) || (name !== 'cpu' && name !== 'wasm')) return 'it failed to start';
			await useBackend(name);
			return tf.getBackend() === name ? null : `tfjs fell back to ${tf.getBackend()}`;
		},
		build() {
			builds++;
			return cnnProbeRunner(SPEC, batch, { lr: 0.003, seed: 1 });
		},
		builds: () => builds
	};
}

function timing(backend: BackendName, stepsPerSecond: number | null): BackendTiming {
	return { backend, stepsPerSecond, steps: stepsPerSecond === null ? 0 : 3, ms: 100 };
}

describe('timeSteps', () => {
	it('skips one warm-up step, then stops at the step cap or once the time budget is spent', async () => {
		let t = 0;
		let calls = 0;
		const step = async () => {
			calls++;
			t += 100;
		};
		expect(await timeSteps(step, { maxSteps: 4, budgetMs: 10_000 }, { now: () => t })).toEqual({ steps: 4, ms: 400 });
		expect(calls).toBe(5);
		expect(await timeSteps(step, { maxSteps: 50, budgetMs: 250 }, { now: () => t })).toEqual({ steps: 3, ms: 300 });
		// A step slower than the whole budget still gives one timed step.
		expect((await timeSteps(step, { maxSteps: 5, budgetMs: 50 }, { now: () => t })).steps).toBe(1);
	});

	it('stops with an AbortError when the job is cancelled', async () => {
		const controller = new AbortController();
		const step = async () => controller.abort();
		await expect(timeSteps(step, { maxSteps: 5, budgetMs: 1000 }, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
	});
});

describe('pickFastest', () => {
	it('picks the highest measured speed, leaves out backends that did not run, and the CPU unless nothing else ran', async () => {
		const batch = realBatch(8);
		const measure = async (name: 'cpu' | 'wasm') => timeBackend(name, { available: [name], activate: async (b) => (await useBackend(b as 'cpu' | 'wasm'), null), build: () => cnnProbeRunner(SPEC, batch, { lr: 0.003, seed: 1 }), limits: LIMITS });
		const wasm = await measure('wasm');
		const cpu = await measure('cpu');
		for (const t of [wasm, cpu]) {
			expect(t.stepsPerSecond).toBeGreaterThan(0);
			expect(t.steps).toBeGreaterThanOrEqual(1);
			expect(t.steps).toBeLessThanOrEqual(LIMITS.maxSteps);
		}
		expect(pickFastest([cpu, wasm])).toBe('wasm');
		expect(pickFastest([cpu, timing('wasm', null)])).toBe('cpu');
		// Two measured figures under two non-CPU names: the higher one wins, whichever it is.
		const asGpu = { ...cpu, backend: 'webgl' as const };
		expect(pickFastest([asGpu, wasm])).toBe(asGpu.stepsPerSecond! > wasm.stepsPerSecond! ? 'webgl' : 'wasm');
		expect(pickFastest([timing('webgpu', 2), timing('webgl', 9), timing('wasm', 5), timing('cpu', 50)])).toBe('webgl');
		expect(pickFastest([timing('webgpu', null), timing('cpu', 0)])).toBeNull();
	});
});

describe('shape signature and the probe cache', () => {
	it('keys a model by its layers and batch size, not by key order, seed or rate', () => {
		const a = shapeSignature('cnn', { layers: [{ type: 'conv2d', filters: 8 }], input: [28, 28, 1] }, 32);
		expect(shapeSignature('cnn', { input: [28, 28, 1], layers: [{ filters: 8, type: 'conv2d' }] }, 32)).toBe(a);
		expect(shapeSignature('cnn', { layers: [{ type: 'conv2d', filters: 16 }], input: [28, 28, 1] }, 32)).not.toBe(a);
		expect(shapeSignature('cnn', { layers: [{ type: 'conv2d', filters: 8 }], input: [28, 28, 1] }, 64)).not.toBe(a);
		expect(shapeSignature('mlp', { layers: [{ type: 'conv2d', filters: 8 }], input: [28, 28, 1] }, 32)).not.toBe(a);
		expect(cnnSignature(SPEC, 32).signature).toBe(cnnSignature(cnnPreset('tiny', SHAPE, 10), 32).signature);
		expect(cnnSignature(cnnPreset('small', SHAPE, 10), 32).signature).not.toBe(cnnSignature(SPEC, 32).signature);
	});

	it('holds a probe only for the same shape and the same offer of backends, newest first, bounded', () => {
		const probe = (signature: string, available: BackendName[]): BackendProbe => ({ signature, model: signature, available, timings: [timing('wasm', 3)], picked: 'wasm', measuredAt: 0 });
		const cache = [probe('a', ['wasm', 'webgl']), probe('b', ['wasm'])];
		expect(findProbe(cache, 'a', ['webgl', 'wasm'])).toBe(cache[0]);
		expect(findProbe(cache, 'a', ['wasm', 'webgl', 'webgpu'])).toBeUndefined();
		expect(findProbe(cache, 'c', ['wasm'])).toBeUndefined();
		expect(findProbe(undefined, 'a', ['wasm'])).toBeUndefined();
		const next = rememberProbe(cache, probe('b', ['wasm', 'cpu']));
		expect(next.map((p) => p.signature)).toEqual(['b', 'a']);
		expect(next[0].available).toEqual(['wasm', 'cpu']);
		expect(rememberProbe(cache, probe('c', ['wasm']), 2).map((p) => p.signature)).toEqual(['c', 'a']);
	});
});

describe('autoBackend', () => {
	it('probes a new shape, stores the measured pick, trains on it, and reuses it for the same shape', async () => {
		const { signature, model } = cnnSignature(SPEC, 16);
		const options = nodeOptions();
		let stored: BackendProbe[] | undefined;
		const first = await autoBackend({ ...options, signature, model, available: ['wasm', 'cpu'], cache: undefined, save: async (c) => void (stored = c), date: () => 1_700_000_000_000 });
		expect(first.fresh).toBe(true);
		// The CPU is not probed while another backend trains.
		expect(first.probe.timings.map((t) => t.backend)).toEqual(['wasm']);
		expect(first.probe.timings[0].stepsPerSecond).toBeGreaterThan(0);
		expect(first.probe.picked).toBe('wasm');
		expect(stored).toEqual([first.probe]);
		expect(tf.getBackend()).toBe('wasm');

		const { source, labels } = slice(loadImageSet('digits-28.kimg.gz'), 0, 64);
		const trained = await trainCnn(SPEC, source, labels, { epochs: 1, batchSize: 16, lr: 0.003, seed: 1, validation: Int32Array.from({ length: 16 }, (_, i) => 48 + i) });
		expect(trained.backend).toBe(first.probe.picked);

		const builds = options.builds();
		const again = await autoBackend({ ...options, signature, model, available: ['cpu', 'wasm'], cache: stored, save: async () => expect.unreachable('a cached pick is not stored again') });
		expect(again).toEqual({ probe: first.probe, fresh: false });
		expect(options.builds()).toBe(builds);
	});

	it('falls back to timing the CPU when no other backend starts, and says why each failed', async () => {
		const { signature, model } = cnnSignature(SPEC, 16);
		const { probe } = await autoBackend({ ...nodeOptions(['wasm']), signature, model, available: ['webgl', 'wasm', 'cpu'], cache: [], save: async () => {} });
		expect(probe.timings.map((t) => [t.backend, t.problem ?? 'ran'])).toEqual([['webgl', 'it failed to start'], ['wasm', 'it failed to start'], ['cpu', 'ran']]);
		expect(probe.picked).toBe('cpu');
		expect(tf.getBackend()).toBe('cpu');
	});

	it('probes again when the cached pick no longer starts', async () => {
		const { signature, model } = cnnSignature(SPEC, 16);
		const stale: BackendProbe = { signature, model, available: ['wasm', 'cpu'], timings: [timing('wasm', 9)], picked: 'wasm', measuredAt: 0 };
		const result = await autoBackend({ ...nodeOptions(['wasm']), signature, model, available: ['wasm', 'cpu'], cache: [stale], save: async () => {} });
		expect(result.fresh).toBe(true);
		expect(result.probe.picked).toBe('cpu');
	});
});
