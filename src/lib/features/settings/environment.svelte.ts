import * as bridge from '$lib/bridge';
import { toUiError, type UiError } from '$lib/components/ui-error';
import { getSetting, setSetting } from '$lib/db';
import type { BackendChoice, EnvironmentReport } from '$workers/protocol';

export interface StorageReport {
	usage: number;
	quota: number;
	persisted: boolean;
}

export class EnvironmentSettings {
	report = $state.raw<EnvironmentReport | null>(null);
	probing = $state(false);
	choice = $state<BackendChoice>('auto');
	active = $state('');
	activeNote = $state('');
	storage = $state.raw<StorageReport | null>(null);
	error = $state<UiError | null>(null);

	async load(): Promise<void> {
		try {
			this.choice = await getSetting('backend');
			await Promise.all([this.refreshStorage(), this.checkActive()]);
		} catch (e) {
			this.error = toUiError(e);
		}
	}

	async probe(): Promise<void> {
		this.probing = true;
		this.error = null;
		try {
			this.report = await bridge.probeEnvironment();
		} catch (e) {
			this.error = toUiError(e);
		} finally {
			this.probing = false;
		}
	}

	async choose(choice: BackendChoice): Promise<void> {
		this.choice = choice;
		await setSetting('backend', choice);
		await this.checkActive();
	}

	async checkActive(): Promise<void> {
		try {
			const active = await bridge.activeBackend(this.choice);
			this.active = active.backend;
			this.activeNote = active.note;
		} catch (e) {
			this.error = toUiError(e);
		}
	}

	async refreshStorage(): Promise<void> {
		if (!navigator.storage?.estimate) return;
		const { usage = 0, quota = 0 } = await navigator.storage.estimate();
		const persisted = (await navigator.storage.persisted?.()) ?? false;
		this.storage = { usage, quota, persisted };
	}

	async persist(): Promise<void> {
		const granted = (await navigator.storage.persist?.()) ?? false;
		if (!granted) this.error = { name: 'QuotaExceededError', message: 'The browser did not grant persistent storage. It may still keep your data; browsers grant this more readily to sites you bookmark or visit often.' };
		await this.refreshStorage();
	}
}
