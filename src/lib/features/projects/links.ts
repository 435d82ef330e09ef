import { resolve } from '$app/paths';

/** The sections of a project workspace, in the order the navigation shows them. */
export const SECTIONS = [
	{ id: 'data', label: 'Data' },
	{ id: 'train', label: 'Train' },
	{ id: 'runs', label: 'Runs' },
	{ id: 'tune', label: 'Tune' },
	{ id: 'predict', label: 'Predict' },
	{ id: 'ship', label: 'Ship' },
	{ id: 'trust', label: 'Trust' }
] as const;
export type SectionId = (typeof SECTIONS)[number]['id'];

/**
 * Each section is a prerendered page; the project id (and a selected run) travel in the query,
 * so any static host serves them and reload and back keep the place.
 */
export function sectionHref(section: SectionId, projectId: string, params: Record<string, string> = {}): string {
	const query = new URLSearchParams({ id: projectId, ...params });
	return `${resolve('/project')}/${section}/?${query}`;
}

export function projectHref(id: string): string {
	return sectionHref('data', id);
}
