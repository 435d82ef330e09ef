import type { ModelArtifacts, PredictResult, Table } from '../protocol';
import { KilnError } from '$shared/errors';
import { deserializeModel, forward } from './model';
import { decodeOutputs, encodeForModel, type ModelEncoding } from './predict-encode';
import { isClassicArtifacts } from './model-lab/artifacts';
import { classicOutputs } from './model-lab/outputs';

// Encoding and decoding live apart from tfjs so the prediction lane worker can use them alone.
export { decodeOutputs, encodeForModel, isFittedPipeline, type ModelEncoding } from './predict-encode';

/** Predict every row of `table`, encoded exactly as training encoded its rows. */
export async function predictTable(artifacts: ModelArtifacts, encoding: ModelEncoding, table: Table): Promise<PredictResult> {
	if (table.rowCount === 0) throw new KilnError('SchemaMismatchError', 'There are no rows to predict.');
	const { x, width, target, warnings } = encodeForModel(encoding, table);
	const model = isClassicArtifacts(artifacts) ? null : await deserializeModel(artifacts);
	try {
		const out = model ? await forward(model, x, table.rowCount, width) : classicOutputs(artifacts, x, table.rowCount);
		return decodeOutputs(out, target, warnings);
	} finally {
		model?.dispose();
	}
}
