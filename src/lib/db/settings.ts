import { openKilnDb, write } from './open';
import type { Settings } from './schema';

const DEFAULTS: Settings = { backend: 'auto' };

export async function getSetting<K extends keyof Settings>(key: K): Promise<Settings[K]> {
	const row = await (await openKilnDb()).get('settings', key);
	return (row?.value as Settings[K] | undefined) ?? DEFAULTS[key];
}

export async function setSetting<K extends keyof Settings>(key: K, value: Settings[K]): Promise<void> {
	const db = await openKilnDb();
	await write('the setting', () => db.put('settings', { key, value }));
}
