import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { KilnSchema, ModelRecord, RunRecord } from './schema';

type UpgradeDb = IDBPDatabase<KilnSchema>;
type UpgradeTx = IDBPTransaction<KilnSchema, StoreNames<KilnSchema>[], 'versionchange'>;

/** A run as version 1 stored it: the trained model inside the run record. */
export type RunRecordV1 = Omit<RunRecord, 'modelId'> & {
	model?: Pick<ModelRecord, 'artifacts' | 'preprocessing'>;
};

type Step = (db: UpgradeDb, tx: UpgradeTx) => Promise<void> | void;

/**
 * STEPS[n] takes a database from version n to n + 1. Released steps are append-only: a
 * person's database may be at any older version and each step must take it exactly one step
 * further. Only IndexedDB work may be awaited in a step — anything else lets the upgrade
 * transaction auto-commit half way.
 */
const STEPS: Step[] = [
	// 0 → 1: the first layout.
	(db) => {
		db.createObjectStore('projects', { keyPath: 'id' });
		db.createObjectStore('datasets', { keyPath: 'id' });
		db.createObjectStore('chunks', { keyPath: ['datasetId', 'index'] });
		db.createObjectStore('runs', { keyPath: 'id' });
		db.createObjectStore('settings', { keyPath: 'key' });
	},
	// 1 → 2: trained weights move out of run records, so listing a project's runs no longer
	// reads every model into memory; datasets and runs get a by-project index.
	async (db, tx) => {
		const models = db.createObjectStore('models', { keyPath: 'id' });
		models.createIndex('byRun', 'runId');
		tx.objectStore('datasets').createIndex('byProject', 'projectId');
		const runs = tx.objectStore('runs');
		runs.createIndex('byProject', 'projectId');
		let cursor = await runs.openCursor();
		while (cursor) {
			const { model, ...run } = cursor.value as RunRecordV1;
			if (model) {
				const modelId = `model-${run.id}`;
				await tx.objectStore('models').put({ id: modelId, runId: run.id, projectId: run.projectId, createdAt: run.finishedAt ?? run.createdAt, ...model });
				await cursor.update({ ...run, modelId });
			}
			cursor = await cursor.continue();
		}
	},
	// 2 → 3: checkpoints of runs in progress, so a run cut off by a closed tab can resume.
	(db) => {
		db.createObjectStore('checkpoints', { keyPath: 'runId' });
	},
	// 3 → 4: recorded pipelines, hyperparameter searches with their trials, and derived model
	// files (exports, compressed variants). New stores only: no record changes shape.
	(db) => {
		db.createObjectStore('pipelines', { keyPath: 'id' }).createIndex('byProject', 'projectId');
		db.createObjectStore('searches', { keyPath: 'id' }).createIndex('byProject', 'projectId');
		db.createObjectStore('trials', { keyPath: ['searchId', 'trialId'] });
		const artifacts = db.createObjectStore('artifacts', { keyPath: 'id' });
		artifacts.createIndex('byProject', 'projectId');
		artifacts.createIndex('byModel', 'modelId');
	}
];

export const LATEST_VERSION = STEPS.length;

export async function migrate(db: UpgradeDb, oldVersion: number, newVersion: number, tx: UpgradeTx): Promise<void> {
	for (let version = oldVersion; version < newVersion; version++) await STEPS[version](db, tx);
}
