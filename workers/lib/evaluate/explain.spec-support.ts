// Node-only helpers for the explanation specs: a seeded synthetic problem and a real trained model.
import type { Table, TrainResult } from '$workers/protocol';
import { deserializeModel, forward, softmaxRows } from '$workers/lib/model';
import { createRng } from '$workers/lib/random';
import type { Predict } from './permutation';

export { useCpu } from '../../../tests/unit-support';

/**
 * y = 1 when 2·a − b + 1.5·[c = "x"] + small noise > 0. `a` matters most, `b` and `c` less,
 * and `noise` not at all: it is drawn independently of everything else.
 */
export function syntheticTable(rows: number, seed: number): Table {
	const rng = createRng(seed);
	const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
	const a = new Float64Array(rows);
	const b = new Float64Array(rows);
	const noise = new Float64Array(rows);
	const c = new Int32Array(rows);
	const y = new Int32Array(rows);
	for (let i = 0; i < rows; i++) {
		a[i] = normal();
		b[i] = normal();
		noise[i] = normal() * 3 + 10;
		c[i] = rng() < 0.5 ? 0 : 1;
		y[i] = 2 * a[i] - b[i] + (c[i] === 0 ? 0.75 : -0.75) + 0.3 * normal() > 0 ? 1 : 0;
	}
	return {
		rowCount: rows,
		columns: [
			{ name: 'a', kind: 'numeric', values: a },
			{ name: 'noise', kind: 'numeric', values: noise },
			{ name: 'c', kind: 'categorical', categories: ['x', 'z'], codes: c },
			{ name: 'b', kind: 'numeric', values: b },
			{ name: 'y', kind: 'categorical', categories: ['no', 'yes'], codes: y }
		]
	};
}

/** Class probabilities of a trained Kiln model, as the explanation code expects them. */
export async function probabilityPredict(result: TrainResult): Promise<{ predict: Predict; dispose: () => void }> {
	const model = await deserializeModel(result.model);
	const k = result.preprocessing.target.task === 'classification' ? result.preprocessing.target.classes.length : 1;
	const predict: Predict = async (x, n) => {
		const logits = await forward(model, x, n, result.preprocessing.inputSize);
		return Float32Array.from(softmaxRows(logits, k).flat());
	};
	return { predict, dispose: () => model.dispose() };
}
