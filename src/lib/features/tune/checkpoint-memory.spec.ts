import { describe, expect, it } from 'vitest';
import type { TrainCheckpoint } from '$workers/protocol';
import { checkpointBytes, CheckpointMemory } from './checkpoint-memory';

const state = (epoch: number, weightBytes: number, optimiserBytes: number): TrainCheckpoint => ({
	epoch,
	history: [],
	trainingMs: 1,
	model: { modelTopology: {}, weightSpecs: [], weightData: new ArrayBuffer(weightBytes) },
	optimizer: { specs: [], data: new ArrayBuffer(optimiserBytes) }
});

describe('CheckpointMemory', () => {
	it('counts the bytes of weights and optimiser state', () => {
		expect(checkpointBytes(state(1, 40, 80))).toBe(120);
	});

	it('hands a promotion the state after its lower rung once, and nothing for another epoch', () => {
		const memory = new CheckpointMemory(1000);
		const three = state(3, 100, 200);
		memory.keep(0, three);
		expect(memory.take(0, 9)).toBeUndefined();
		expect(memory.take(0, 3)).toBe(three);
		expect(memory.take(0, 3)).toBeUndefined();
		expect(memory.bytes).toBe(0);
	});

	it('replaces a trial’s older state and lets the oldest trials go past its bound', () => {
		const memory = new CheckpointMemory(1000);
		memory.keep(0, state(3, 100, 200));
		memory.keep(0, state(9, 100, 200));
		expect(memory.size).toBe(1);
		expect(memory.bytes).toBe(300);
		memory.keep(1, state(3, 100, 200));
		memory.keep(2, state(3, 100, 200));
		memory.keep(3, state(3, 100, 200));
		expect(memory.bytes).toBe(900);
		expect(memory.take(0, 9)).toBeUndefined();
		expect(memory.take(1, 3)).toBeDefined();
		// A state larger than the bound is never kept.
		memory.keep(4, state(3, 1000, 1));
		expect(memory.take(4, 3)).toBeUndefined();
		memory.clear();
		expect([memory.size, memory.bytes]).toEqual([0, 0]);
	});
});
