import type { ModelArtifacts, Table, TextTrainSettings } from '../protocol';
import { KilnError } from '$shared/errors';
import type { TextLinearModel } from '../lib/text/linear-text';
import type { TokenizerState } from '../lib/text/tokenizer';

/**
 * How a text classifier is stored in the studio's model record (the same ModelArtifacts as
 * every model, so runs, the model in use and deletion need nothing new): the topology holds
 * the text column, the fitted tokeniser or TF-IDF and, for a network, its own topology; the
 * weight buffer is the network's (empty for the linear model, whose weights are in the JSON).
 */
export const TEXT_RUN_FORMAT = 'kiln-text-run';

export type TextRunTopology =
	| { format: typeof TEXT_RUN_FORMAT; version: 1; column: string; kind: 'linear'; linear: TextLinearModel }
	| { format: typeof TEXT_RUN_FORMAT; version: 1; column: string; kind: 'neural'; tokenizer: TokenizerState; network: object };

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
