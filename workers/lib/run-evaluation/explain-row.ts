import type { RowExplanation, Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { cellText, findColumn } from '$shared/table';
import { aggregateAttributions, attributions, featureGroups } from '$workers/lib/evaluate';
import { deserializeModel, forward } from '$workers/lib/model';
import { modelInputs } from '$workers/lib/model-input';
import type { StoredModel } from './evaluate-run';

/**
 * Integrated gradients for one row of a dense model (linear or MLP), summed per original
 * column. The reference row is all zeros after encoding: every number at its training mean and
 * no category, so a contribution says how far this row's value moved the output from there.
 * Classification explains the probability of the predicted class; regression the value itself
 * in the target's units.
 */
export async function explainRow(model: StoredModel, table: Table): Promise<RowExplanation> {
	if (table.rowCount !== 1) throw new KilnError('ValidationError', `Explain one row at a time; got ${table.rowCount}.`);
	const prep = model.preprocessing;
	const { x, width } = modelInputs({ preprocessing: prep }, table, [0], false);
	const network = await deserializeModel(model.artifacts);
	try {
		const target = prep.target;
		let explainedClass = 0;
		if (target.task === 'classification') {
			const logits = Array.from(await forward(network, x, 1, width));
			explainedClass = logits.indexOf(Math.max(...logits));
		}
		const ig = await attributions(network, { x, rows: 1, width, target: explainedClass, transform: target.task === 'classification' ? 'softmax' : 'none' });
		const scale = target.task === 'regression' ? target.std : 1;
		const shift = target.task === 'regression' ? target.mean : 0;
		const perColumn = aggregateAttributions(ig.attributions, width, featureGroups(prep));
		return {
			method: 'integrated-gradients',
			explained: target.task === 'classification' ? target.classes[explainedClass] : target.name,
			output: ig.outputAtInput[0] * scale + shift,
			reference: ig.outputAtBaseline[0] * scale + shift,
			columns: prep.features.map((f, j) => ({ name: f.name, value: cellText(findColumn(table, f.name), 0), contribution: perColumn[j] * scale })),
			gap: ig.completenessGap[0] * scale,
			steps: ig.steps
		};
	} finally {
		network.dispose();
	}
}
