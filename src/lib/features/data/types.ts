import type { SemanticType } from '$workers/lib/data/import/types';

/** Column types a person can choose, in the order the menus list them. */
export const TYPES: readonly SemanticType[] = ['numeric', 'integer', 'boolean', 'datetime', 'categorical', 'text', 'identifier'];

export const TYPE_LABELS: Record<SemanticType, string> = {
	numeric: 'Number',
	integer: 'Whole number',
	boolean: 'Yes/no',
	datetime: 'Date/time',
	categorical: 'Category',
	text: 'Free text',
	identifier: 'Identifier'
};

import type { DatasetRecord } from '$lib/db';
import type { Task } from '$workers/protocol';

/** The task a target suggests: classes for text, yes/no and up to 20 whole numbers; otherwise regression. */
export function suggestTask(dataset: DatasetRecord, target: string): Task {
	const column = dataset.columns.find((c) => c.name === target);
	const summary = dataset.details?.columns.find((c) => c.name === target);
	const distinct = summary?.distinct ?? dataset.profile.find((p) => p.name === target)?.distinct ?? 0;
	if (!column || column.kind === 'categorical' || column.semantic === 'boolean') return 'classification';
	if (column.semantic === 'numeric' || column.semantic === 'datetime') return 'regression';
	return distinct <= 20 ? 'classification' : 'regression';
}
