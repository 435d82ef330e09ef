import type { ModelArtifacts, Preprocessing, PredictResult, Table } from '../protocol';
import { KilnError } from '$shared/errors';
import { deserializeModel, forward, softmaxRows } from './model';
import { encodeFeatures } from './preprocess';
import { isClassicArtifacts } from './model-lab/artifacts';
import { classicOutputs } from './model-lab/outputs';

/** Predict every row of `table` with the preprocessing that training fitted. */
export async function predictTable(artifacts: ModelArtifacts, prep: Preprocessing, table: Table): Promise<PredictResult> {
	if (table.rowCount === 0) throw new KilnError('SchemaMismatchError', 'There are no rows to predict.');
	const rows = Int32Array.from({ length: table.rowCount }, (_, i) => i);
	const { x, unknownCategories } = encodeFeatures(table, prep, rows);
	const model = isClassicArtifacts(artifacts) ? null : await deserializeModel(artifacts);
	try {
		const out = model ? await forward(model, x, table.rowCount, prep.inputSize) : classicOutputs(artifacts, x, table.rowCount);
		const warnings: string[] = [];
		if (unknownCategories > 0) warnings.push(`${unknownCategories} cell${unknownCategories === 1 ? '' : 's'} held a category the model has no input for (never seen in training, or too rare); they count as "none of the known categories".`);
		const target = prep.target;
		if (target.task === 'classification') {
			const probabilities = softmaxRows(out, target.classes.length);
			const predictions = probabilities.map((p) => target.classes[p.indexOf(Math.max(...p))]);
			return { predictions, probabilities, warnings };
		}
		return { predictions: Array.from(out, (v) => String(v * target.std + target.mean)), warnings };
	} finally {
		model?.dispose();
	}
}
