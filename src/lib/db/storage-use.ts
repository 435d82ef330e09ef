import { openKilnDb } from './open';

/** What one project keeps in IndexedDB, in bytes of its binary parts (rows, weights, files). */
export interface ProjectStorage {
	projectId: string;
	name: string;
	locked: boolean;
	data: number;
	models: number;
	files: number;
}

/**
 * Bytes per project, so a person with a full disk knows what to delete: the datasets' stored
 * chunks (as recorded on import), the models' weights and the exported files and variants. Text
 * fields and small records are left out; a locked project's records are sealed and read as locked.
 * Read store by store with cursors, so no store is held in memory at once.
 */
export async function storageByProject(): Promise<ProjectStorage[]> {
	const db = await openKilnDb();
	const byId = new Map<string, ProjectStorage>();
	for (const p of await db.getAll('projects')) byId.set(p.id, { projectId: p.id, name: p.name, locked: !!p.lockState, data: 0, models: 0, files: 0 });
	const add = (projectId: string | undefined, part: 'data' | 'models' | 'files', bytes: unknown) => {
		const entry = projectId ? byId.get(projectId) : undefined;
		if (entry && !entry.locked && typeof bytes === 'number' && Number.isFinite(bytes)) entry[part] += bytes;
	};
	for (let c = await db.transaction('datasets').store.openCursor(); c; c = await c.continue()) add(c.value.projectId, 'data', c.value.bytes);
	for (let c = await db.transaction('models').store.openCursor(); c; c = await c.continue()) add(c.value.projectId, 'models', c.value.artifacts?.weightData?.byteLength);
	for (let c = await db.transaction('artifacts').store.openCursor(); c; c = await c.continue()) add(c.value.projectId, 'files', c.value.bytes?.byteLength);
	const total = (p: ProjectStorage) => p.data + p.models + p.files;
	// Largest first; locked ones (sizes unread) last; ties by name, so the order is stable.
	return [...byId.values()].sort((a, b) => Number(a.locked) - Number(b.locked) || total(b) - total(a) || a.name.localeCompare(b.name));
}
