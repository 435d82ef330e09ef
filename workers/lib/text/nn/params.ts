import * as tf from '@tensorflow/tfjs-core';
import { KilnError } from '$shared/errors';
import { createRng } from '$workers/lib/random';

export type Init = { type: 'glorot'; fanIn: number; fanOut: number } | { type: 'normal'; std: number } | { type: 'zeros' } | { type: 'ones' } | { type: 'values'; values: Float32Array };

let instances = 0;

/**
 * The weights of one model as named tfjs variables, in creation order (the order the optimiser
 * and checkpoints rely on). Initial values are drawn in JavaScript from the seed, so the same
 * seed gives the same weights on every backend.
 */
export class ParamStore {
	readonly #vars = new Map<string, tf.Variable>();
	readonly #trainable = new Set<string>();
	readonly #prefix = `text-model-${++instances}/`;
	readonly #rng: () => number;

	constructor(seed: number) {
		this.#rng = createRng(seed);
	}

	add(name: string, shape: number[], init: Init, trainable = true): tf.Variable {
		if (this.#vars.has(name)) throw new Error(`parameter ${name} defined twice`);
		const size = shape.reduce((a, b) => a * b, 1);
		let values: Float32Array;
		if (init.type === 'values') {
			if (init.values.length !== size) throw new KilnError('TrainingError', `The initial values of ${name} have ${init.values.length} numbers; its shape [${shape}] needs ${size}.`);
			values = init.values;
		} else {
			values = new Float32Array(size);
			if (init.type === 'ones') values.fill(1);
			else if (init.type === 'glorot') {
				const limit = Math.sqrt(6 / (init.fanIn + init.fanOut));
				for (let i = 0; i < size; i++) values[i] = (2 * this.#rng() - 1) * limit;
			} else if (init.type === 'normal') {
				for (let i = 0; i < size; i += 2) {
					// Box–Muller: two normals per two uniforms.
					const u = Math.max(this.#rng(), 1e-12);
					const v = this.#rng();
					const r = Math.sqrt(-2 * Math.log(u)) * init.std;
					values[i] = r * Math.cos(2 * Math.PI * v);
					if (i + 1 < size) values[i + 1] = r * Math.sin(2 * Math.PI * v);
				}
			}
		}
		const variable = tf.variable(tf.tensor(values, shape, 'float32'), trainable, this.#prefix + name);
		this.#vars.set(name, variable);
		if (trainable) this.#trainable.add(name);
		return variable;
	}

	get(name: string): tf.Variable {
		const v = this.#vars.get(name);
		if (!v) throw new Error(`no parameter ${name}`);
		return v;
	}

	get names(): string[] {
		return [...this.#vars.keys()];
	}

	/** Trainable variables in creation order. */
	trainable(): tf.Variable[] {
		return [...this.#vars].filter(([n]) => this.#trainable.has(n)).map(([, v]) => v);
	}

	specs(): { name: string; shape: number[]; dtype: string }[] {
		return [...this.#vars].map(([name, v]) => ({ name, shape: [...v.shape], dtype: 'float32' }));
	}

	/** All weights, float32, in creation order. */
	async snapshot(): Promise<ArrayBuffer> {
		const parts = await Promise.all([...this.#vars.values()].map((v) => v.data<'float32'>()));
		const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
		let at = 0;
		for (const p of parts) {
			out.set(p, at);
			at += p.length;
		}
		return out.buffer;
	}

	restore(buffer: ArrayBuffer): void {
		const all = new Float32Array(buffer);
		const total = [...this.#vars.values()].reduce((n, v) => n + v.size, 0);
		if (all.length !== total) throw new KilnError('ModelFormatError', `The stored weights hold ${all.length} numbers, but this model has ${total}: they belong to another model.`);
		let at = 0;
		for (const v of this.#vars.values()) {
			const slice = all.subarray(at, at + v.size);
			tf.tidy(() => v.assign(tf.tensor(slice, v.shape, 'float32')));
			at += v.size;
		}
	}

	dispose(): void {
		for (const v of this.#vars.values()) v.dispose();
		this.#vars.clear();
	}
}
