import type { Preprocessing, Table, TrainCheckpoint, TrainConfig } from '../protocol';
import { encodeFeatures, encodeTarget, fitPreprocessing } from './preprocess';
import { deserializeModel, forward } from './model';
import { lossAndMetric } from './scores';
import { dictionaryOrderPreprocessing, splitFor } from './train-data';

/**
 * The preprocessing a resumed run must use: the one stored with its checkpoint. Checkpoints
 * stored before Kiln kept it were made with one of two one-hot orders (the column's dictionary
 * order until b73aeaf, most frequent first since); refitting could feed the restored weights
 * scrambled inputs. The right one is the order whose inputs fit the stored first layer and give
 * the stored weights the lower training loss: the weights were trained on it.
 */
export async function resumePreprocessing(table: Table, config: TrainConfig, checkpoint: TrainCheckpoint): Promise<Preprocessing> {
	if (checkpoint.preprocessing) return checkpoint.preprocessing;
	const { split } = splitFor(table, config);
	const current = fitPreprocessing(table, config.features, config.target, config.task, split.train);
	const legacy = dictionaryOrderPreprocessing(table, current, split.train);
	const width = checkpoint.model.weightSpecs[0]?.shape[0];
	const candidates = [current, legacy].filter((p) => p.inputSize === width);
	if (candidates.length <= 1 || sameEncoding(current, legacy)) return candidates[0] ?? current;
	const model = await deserializeModel(checkpoint.model);
	try {
		const losses = await Promise.all(
			candidates.map(async (prep) => {
				const out = await forward(model, encodeFeatures(table, prep, split.train).x, split.train.length, prep.inputSize);
				return lossAndMetric(out, encodeTarget(table, prep, split.train), prep).loss;
			})
		);
		return candidates[losses.indexOf(Math.min(...losses))];
	} finally {
		model.dispose();
	}
}

function sameEncoding(a: Preprocessing, b: Preprocessing): boolean {
	return JSON.stringify(a.features) === JSON.stringify(b.features);
}
