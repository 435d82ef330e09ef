import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelArtifacts } from '$workers/protocol';
import { predictTable } from '$workers/lib/predict';
import { createSharePredictor } from '$workers/lib/share/runtime-share';
import { decodeShareLink, encodeShareLink, makeSharePayload } from '$workers/lib/share/share-link';
import { pruneMagnitude, quantizeTfjs } from '$workers/lib/ship';
import { trainBriefly, useCpu } from '$workers/lib/share/share.spec-support';
import { modelInputs } from '$workers/lib/model-input';
import { variantShareModel } from './share-variant';

beforeAll(useCpu);

const demo = { title: 't', description: '', examples: [] };

describe('sharing a picked variant', () => {
	it('int8, float16 and pruned variants: the decoded link predicts as the variant does in tfjs, and pruning + int8 makes a shorter link', async () => {
		const { table, result, prep, rows } = await trainBriefly('penguins.csv', 'species', { epochs: 20 });
		const all = Int32Array.from({ length: table.rowCount }, (_, i) => i);
		const { x, y } = modelInputs({ preprocessing: prep }, table, all);
		const pruned = (await pruneMagnitude(result.model, x, y!, { targetSparsity: 0.8, epochs: 3, seed: 1, task: 'classification' })).model;
		const variants: [string, ModelArtifacts][] = [
			['float16', quantizeTfjs(result.model, 'float16') as ModelArtifacts],
			['int8', quantizeTfjs(result.model, 'uint8') as ModelArtifacts],
			['pruned-80', pruned],
			['pruned-80-int8', quantizeTfjs(pruned, 'uint8') as ModelArtifacts]
		];
		const lengths: Record<string, number> = { original: encodeShareLink(makeSharePayload(result.model, prep, demo)).length };
		for (const [id, artifacts] of variants) {
			const shared = variantShareModel(artifacts, id);
			const code = encodeShareLink(makeSharePayload(shared.artifacts, prep, demo, shared.weights));
			lengths[id] = code.length;
			const decoded = decodeShareLink(code);
			const predictor = createSharePredictor(decoded);
			const reference = await predictTable(artifacts, prep, table);
			let worst = 0;
			let agree = 0;
			rows.forEach((row, r) => {
				const p = predictor.predict(row);
				if (p.label === reference.predictions[r]) agree++;
				p.probabilities!.forEach((v, c) => (worst = Math.max(worst, Math.abs(v - reference.probabilities![r][c]))));
			});
			if (shared.weights !== 'int8') expect(worst).toBeLessThan(1e-5);
			else expect(agree / rows.length).toBeGreaterThanOrEqual(0.98);
			console.log(`${id}: link ${code.length} chars, ${shared.weights} weights, max |Δp| vs the tfjs variant ${worst.toExponential(2)}, same label ${agree}/${rows.length}`);
		}
		expect(lengths['pruned-80-int8']).toBeLessThan(lengths.original);
		expect(variantShareModel(pruned, 'pruned-80').weights).toBe('float32');
		console.log(`original (int8 link) ${lengths.original} chars`);
	});
});
