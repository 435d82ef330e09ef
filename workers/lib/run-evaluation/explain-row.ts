import type { RowExplanation, Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { aggregateAttributions, attributions } from '$workers/lib/evaluate';
import { forward } from '$workers/lib/model';
import { classicFromArtifacts } from '$workers/lib/model-lab/artifacts';
import { explainClassicRow } from '$workers/lib/model-lab/explain';
import { openScorer, referenceRow, type Scorer } from '$workers/lib/run-model';
import type { StoredModel } from './evaluate-run';

/**
 * Integrated gradients for one row of a dense model (linear or MLP), summed per column the model
 * reads. The reference row has every number at its training mean and no category (referenceRow;
 * all zeros for the built-in encoding), so a contribution says how far this row's value moved the
 * output from there. Classification explains the probability of the predicted class; regression
 * the value itself in the target's units.
 * Classic models give their own exact decomposition where they have one.
 */
export async function explainRow(model: StoredModel, table: Table): Promise<RowExplanation> {
	if (table.rowCount !== 1) throw new KilnError('ValidationError', `Explain one row at a time; got ${table.rowCount}.`);
	const scorer = await openScorer(model);
	try {
		const { x, cells } = scorer.encodeNew(table);
		if (!scorer.network) return explainClassicRow(classicFromArtifacts(model.artifacts), scorer, x, (name) => cells(0, name));
		return await explainNetworkRow(scorer, scorer.network, x, (name) => cells(0, name));
	} finally {
		scorer.dispose();
	}
}

async function explainNetworkRow(scorer: Scorer, network: NonNullable<Scorer['network']>, x: Float32Array, cell: (column: string) => string): Promise<RowExplanation> {
	const { target, width, groups } = scorer;
	let explainedClass = 0;
	if (target.task === 'classification') {
		const logits = Array.from(await forward(network, x, 1, width));
		explainedClass = logits.indexOf(Math.max(...logits));
	}
	const ig = await attributions(network, { x, rows: 1, width, target: explainedClass, transform: target.task === 'classification' ? 'softmax' : 'none', baseline: referenceRow(scorer.encoding) });
	const scale = target.task === 'regression' ? target.std : 1;
	const shift = target.task === 'regression' ? target.mean : 0;
	const perColumn = aggregateAttributions(ig.attributions, width, groups);
	return {
		method: 'integrated-gradients',
		explained: target.task === 'classification' ? target.classes[explainedClass] : target.name,
		output: ig.outputAtInput[0] * scale + shift,
		reference: ig.outputAtBaseline[0] * scale + shift,
		columns: groups.map((g, j) => ({ name: g.name, value: cell(g.name), contribution: perColumn[j] * scale })),
		gap: ig.completenessGap[0] * scale,
		steps: ig.steps
	};
}
