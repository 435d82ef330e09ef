import type { ProjectSummary } from '$lib/db';
import { describeModel, headline } from '../evaluate/format';

/** A project's line in the list: "wine.csv, 178 rows · 2 runs · in use: MLP 32-16, accuracy 0.972". */
export function summaryText(s: ProjectSummary): string {
	if (s.locked) return 'locked';
	const parts = [s.dataset ? `${s.dataset.name}, ${s.dataset.rows.toLocaleString('en-US')} rows` : 'no data yet'];
	if (s.runs > 0) parts.push(`${s.runs} run${s.runs === 1 ? '' : 's'}`);
	if (s.model) parts.push(`in use: ${describeModel(s.model.config)}, ${headline(s.model.metrics)}`);
	return parts.join(' · ');
}
