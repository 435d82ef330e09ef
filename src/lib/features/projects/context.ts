import { getContext, setContext } from 'svelte';
import type { ProjectState } from './project.svelte';

const KEY = Symbol('project');

/** The project layout shares its state with the section pages below it. */
export function setProjectState(get: () => ProjectState | null): void {
	setContext(KEY, get);
}

export function getProjectState(): () => ProjectState | null {
	return getContext<() => ProjectState | null>(KEY);
}
