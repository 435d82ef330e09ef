import type { ModelArtifacts, Table, TextTrainSettings, TrainConfig } from '../protocol';
import { KilnError } from '$shared/errors';
import { threeWaySplit, type ThreeWaySplit } from '../lib/split';
import { encodeLabels } from '../lib/text/labels';
import { TEXT_RUN_FORMAT, type TextRunTopology } from '../lib/text/text-run';

// The stored shape lives in the library, so bundle import can check it too.
export { TEXT_RUN_FORMAT, type TextRunTopology } from '../lib/text/text-run';

export function isTextRunArtifacts(artifacts: ModelArtifacts): boolean {
	return (artifacts.modelTopology as Partial<TextRunTopology>)?.format === TEXT_RUN_FORMAT;
}

export function readTextRun(artifacts: ModelArtifacts): TextRunTopology {
	const topology = artifacts.modelTopology as Partial<TextRunTopology>;
	if (topology?.format !== TEXT_RUN_FORMAT || topology.version !== 1) throw new KilnError('ModelFormatError', 'This model is not a Kiln text classifier; predict with it from a table instead.');
	return topology as TextRunTopology;
}

/** The strings of a column (numbers as written), null where missing. */
export function columnStrings(table: Table, name: string, what: string): (string | null)[] {
	const column = table.columns.find((c) => c.name === name);
	if (!column) throw new KilnError('SchemaMismatchError', `The dataset has no column “${name}” (the ${what}); choose another on the Data page.`);
	if (column.kind === 'numeric') return Array.from(column.values, (v) => (Number.isNaN(v) ? null : String(v)));
	return Array.from(column.codes, (c) => (c < 0 ? null : column.categories[c]));
}

export function textSettingsOf(config: { text?: TextTrainSettings }): TextTrainSettings {
	if (!config.text) throw new KilnError('ValidationError', 'This run has no text column set.');
	return config.text;
}

/**
 * A text classifier's split replayed as training made it: labelled rows, stratified, the run's
 * seed; the holdout is taken before validation (TF-IDF runs have none). `config` has its defaults.
 */
export function textRunSplit(table: Table, config: TrainConfig, topology: TextRunTopology): { texts: (string | null)[]; labels: (string | null)[]; split: ThreeWaySplit } {
	const texts = columnStrings(table, topology.column, 'text column');
	const labels = columnStrings(table, config.target, 'target');
	const { y, rows } = encodeLabels(labels, config.target);
	return { texts, labels, split: threeWaySplit(rows, config.holdoutFraction, topology.kind === 'linear' ? 0 : config.validationFraction, config.seed, y) };
}
