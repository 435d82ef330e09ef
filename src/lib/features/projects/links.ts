import { resolve } from '$app/paths';

/** Projects live at one prerendered page; the id travels in the query so any static host works. */
export function projectHref(id: string): string {
	return `${resolve('/project')}/?id=${encodeURIComponent(id)}`;
}
