import type { TrainCheckpoint } from '$workers/protocol';

/** Bytes a checkpoint holds in buffers: its weights and optimiser state. */
export function checkpointBytes(checkpoint: TrainCheckpoint): number {
	return checkpoint.model.weightData.byteLength + checkpoint.optimizer.data.byteLength;
}

/**
 * The end state of each paused trial (weights and optimiser state), kept on the page for its
 * promotion, which any worker of the pool then continues without reading IndexedDB (the tune
 * bench measured checkpoint reads and writes at about 45 % of ASHA's job time). Bounded: past
 * `maxBytes` the oldest states go, and their promotions read the stored copy, as after a reload.
 */
export class CheckpointMemory {
	readonly #held = new Map<number, { checkpoint: TrainCheckpoint; bytes: number }>();
	#bytes = 0;

	constructor(readonly maxBytes = 128 * 1024 * 1024) {}

	get bytes(): number {
		return this.#bytes;
	}

	get size(): number {
		return this.#held.size;
	}

	/** Keep a trial's latest state (replacing an older one); a state over the bound is not kept. */
	keep(trialId: number, checkpoint: TrainCheckpoint): void {
		this.drop(trialId);
		const bytes = checkpointBytes(checkpoint);
		if (bytes > this.maxBytes) return;
		this.#held.set(trialId, { checkpoint, bytes });
		this.#bytes += bytes;
		for (const [id, entry] of this.#held) {
			if (this.#bytes <= this.maxBytes) break;
			this.#held.delete(id);
			this.#bytes -= entry.bytes;
		}
	}

	/** Hand over (and forget) the state a promotion continues from: the trial's state after `epoch`, or undefined. */
	take(trialId: number, epoch: number): TrainCheckpoint | undefined {
		const entry = this.#held.get(trialId);
		if (!entry || entry.checkpoint.epoch !== epoch) return undefined;
		this.drop(trialId);
		return entry.checkpoint;
	}

	drop(trialId: number): void {
		const entry = this.#held.get(trialId);
		if (!entry) return;
		this.#held.delete(trialId);
		this.#bytes -= entry.bytes;
	}

	clear(): void {
		this.#held.clear();
		this.#bytes = 0;
	}
}
