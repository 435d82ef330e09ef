import { lockProject, unlockProject } from '$lib/db/lock';
import type { LockApi } from '../protocol';

/** Encryption at rest runs in the data worker: PBKDF2 and AES-GCM over every record never block the page. */
export const lockHandlers: LockApi = {
	lockProject: (projectId, passphrase, onProgress) => lockProject(projectId, passphrase, { onProgress }),
	unlockProject: (projectId, passphrase, onProgress) => unlockProject(projectId, passphrase, { onProgress })
};
