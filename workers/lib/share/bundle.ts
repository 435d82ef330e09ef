import { zipSync, type Zippable } from 'fflate';
import { KilnError } from '$shared/errors';
import { checkTextRunModel, isTextRunTopology } from '$workers/lib/text/text-run';
import type { BundleChunk, BundleData, BundleDataset, BundleManifest, BundleModel, BundleRun, ReadBundle } from './types';
import { checkDataset, checkModelPreprocessing, checkProject, checkRun, checkWeightSpecs } from './bundle-schema';
import { Checker } from './validate';
import { readZipDirectory, readZipEntry, type ZipEntry } from './zip-read';

/**
 * Project bundle, a zip:
 *   manifest.json                       format, version, Kiln version, counts
 *   project.json
 *   datasets/<i>/dataset.json           metadata (columns, profile, chunking)
 *   datasets/<i>/chunks/<k>/<c>.bin     column c of chunk k: Float64 values or Int32 codes, little-endian
 *                                       (image datasets, format 2: 0.bin uint8 pixels NHWC, 1.bin Int32 labels)
 *   runs/<i>/run.json                   config, status, history, metrics
 *   runs/<i>/model-card.md              optional
 *   models/<i>/model.json               ids + tfjs topology + weight manifest
 *   models/<i>/weights.bin
 *   models/<i>/preprocessing.json
 * Paths use list positions, never ids, so no stored id can steer a path.
 */
export const BUNDLE_FORMAT = 'kiln-project-bundle';
export const BUNDLE_FORMAT_VERSION = 2;

export const BUNDLE_LIMITS = {
	maxZipBytes: 1024 ** 3,
	maxEntries: 200_000,
	maxTotalBytes: 2 * 1024 ** 3,
	maxEntryBytes: 1024 ** 3,
	maxJsonBytes: 256 * 1024 ** 2,
	maxItems: 100_000
} as const;

/** Raw files by path, the level at which older formats are upgraded. */
export type BundleFiles = Map<string, Uint8Array>;
export type BundleUpgrade = (files: BundleFiles, manifest: Record<string, unknown>) => void;

/**
 * UPGRADES[n] rewrites a format-n bundle's files into format n+1 in place. A change to the layout
 * adds a step here (never edits one) and a fixture of the old format under fixtures/.
 */
export const UPGRADES: Record<number, BundleUpgrade> = {
	// Format 2 adds image datasets (and image models); a format-1 bundle has none, so its files
	// are already valid format 2. The bump makes an older Kiln refuse an image bundle by name.
	1: () => {}
};

const encoder = new TextEncoder();
const json = (value: unknown) => encoder.encode(JSON.stringify(value));
const copy = (buffer: ArrayBuffer) => new Uint8Array(buffer.slice(0));

export interface WriteBundleOptions {
	kilnVersion: string;
	createdAt?: number;
}

/** The project, its datasets (rows included where `chunks` is set), runs and models as one zip. */
export function writeBundle(data: BundleData, options: WriteBundleOptions): Uint8Array {
	const manifest: BundleManifest = {
		format: BUNDLE_FORMAT,
		formatVersion: BUNDLE_FORMAT_VERSION,
		kilnVersion: options.kilnVersion,
		createdAt: options.createdAt ?? Date.now(),
		datasets: data.datasets.length,
		runs: data.runs.length,
		models: data.models.length,
		includesRows: data.datasets.some((d) => d.chunks !== undefined)
	};
	const files: Zippable = { 'manifest.json': json(manifest), 'project.json': json(data.project) };
	data.datasets.forEach(({ chunks, ...meta }, i) => {
		files[`datasets/${i}/dataset.json`] = json(meta);
		chunks?.forEach((chunk) => chunk.columns.forEach((column, c) => (files[`datasets/${i}/chunks/${chunk.index}/${c}.bin`] = copy(column))));
	});
	data.runs.forEach(({ modelCard, ...run }, i) => {
		files[`runs/${i}/run.json`] = json(run);
		if (modelCard !== undefined) files[`runs/${i}/model-card.md`] = encoder.encode(modelCard);
	});
	data.models.forEach((m, i) => {
		const { modelTopology, weightSpecs, weightData } = m.artifacts;
		files[`models/${i}/model.json`] = json({ id: m.id, runId: m.runId, projectId: m.projectId, createdAt: m.createdAt, modelTopology, weightSpecs });
		files[`models/${i}/weights.bin`] = copy(weightData);
		files[`models/${i}/preprocessing.json`] = json(m.preprocessing);
	});
	// A fixed timestamp makes the same project give the same bytes.
	const zip = zipSync(files, { level: 6, mtime: new Date(Math.max(manifest.createdAt, Date.UTC(1980, 1, 1))) });
	// Check what was written the way an import will, so Kiln never hands out a bundle it refuses.
	readBundle(zip);
	return zip;
}

class BundleReader {
	readonly c = new Checker('ImportError', 'This project bundle cannot be imported');
	private readonly entries: Map<string, ZipEntry>;
	readonly files: BundleFiles = new Map();
	constructor(private readonly zip: Uint8Array) {
		if (zip.length > BUNDLE_LIMITS.maxZipBytes) this.c.fail('the file', `is ${zip.length} bytes; bundles of up to ${BUNDLE_LIMITS.maxZipBytes} bytes can be imported`);
		this.entries = readZipDirectory(zip, BUNDLE_LIMITS, (problem) => this.c.fail('the file', problem));
	}
	/** After loadAll the file map is the whole truth: upgrades may add, rewrite or drop files. */
	private loaded = false;
	has(path: string): boolean {
		return this.files.has(path) || (!this.loaded && this.entries.has(path));
	}
	bytes(path: string): Uint8Array {
		const cached = this.files.get(path);
		if (cached) return cached;
		if (this.loaded) this.c.fail(`"${path}"`, 'is missing');
		const entry = this.entries.get(path) ?? this.c.fail(`"${path}"`, 'is missing');
		const bytes = readZipEntry(this.zip, entry, (problem) => this.c.fail('the file', problem));
		this.files.set(path, bytes);
		return bytes;
	}
	json(path: string): unknown {
		const size = this.files.get(path)?.length ?? this.entries.get(path)?.size ?? 0;
		if (size > BUNDLE_LIMITS.maxJsonBytes) this.c.fail(`"${path}"`, `is larger than ${BUNDLE_LIMITS.maxJsonBytes} bytes`);
		try {
			return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(this.bytes(path)));
		} catch (error) {
			if (error instanceof KilnError) throw error;
			return this.c.fail(`"${path}"`, 'is not valid JSON');
		}
	}
	text(path: string): string {
		try {
			return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes(path));
		} catch (error) {
			if (error instanceof KilnError) throw error;
			return this.c.fail(`"${path}"`, 'is not UTF-8 text');
		}
	}
	/** Inflate every file (within the limits checked above), for upgrades that rewrite them. */
	loadAll(): void {
		for (const path of this.entries.keys()) this.bytes(path);
		this.loaded = true;
	}
	buffer(path: string): ArrayBuffer {
		const b = this.bytes(path);
		return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
	}
}

/** An image dataset's chunks: [uint8 pixels, Int32 labels] each, labels within the classes. */
function readImageChunks(r: BundleReader, meta: Omit<BundleDataset, 'chunks'>, i: number): BundleChunk[] {
	const c = r.c;
	const images = meta.images!;
	const size = images.height * images.width * images.channels;
	const chunks: BundleChunk[] = [];
	let rows = 0;
	for (let k = 0; k < meta.chunkCount; k++) {
		const rowCount = Math.min(meta.chunkRows, meta.rowCount - rows);
		const pixelsPath = `datasets/${i}/chunks/${k}/0.bin`;
		const labelsPath = `datasets/${i}/chunks/${k}/1.bin`;
		const pixels = r.buffer(pixelsPath);
		if (pixels.byteLength !== rowCount * size) c.fail(`"${pixelsPath}"`, `has ${pixels.byteLength} bytes; ${rowCount} images of ${images.height}×${images.width}×${images.channels} need ${rowCount * size}`);
		const labels = r.buffer(labelsPath);
		if (labels.byteLength !== rowCount * 4) c.fail(`"${labelsPath}"`, `has ${labels.byteLength} bytes; ${rowCount} labels need ${rowCount * 4}`);
		const codes = new Int32Array(labels);
		for (let x = 0; x < codes.length; x++) if (codes[x] < 0 || codes[x] >= images.classes.length) c.fail(`"${labelsPath}"`, `image ${x + 1} has label ${codes[x]}, outside the ${images.classes.length} classes`);
		chunks.push({ index: k, rowCount, columns: [pixels, labels] });
		rows += rowCount;
	}
	if (rows !== meta.rowCount) c.fail(`datasets/${i}/dataset.json`, `declares ${meta.rowCount} images, but its ${meta.chunkCount} chunks of ${meta.chunkRows} hold ${rows}`);
	return chunks;
}

function readChunks(r: BundleReader, meta: Omit<BundleDataset, 'chunks'>, i: number): BundleChunk[] | undefined {
	const c = r.c;
	if (!r.has(`datasets/${i}/chunks/0/0.bin`)) return undefined;
	if (meta.images) return readImageChunks(r, meta, i);
	const chunks: BundleChunk[] = [];
	let rows = 0;
	for (let k = 0; k < meta.chunkCount; k++) {
		const rowCount = Math.min(meta.chunkRows, meta.rowCount - rows);
		const columns = meta.columns.map((col, j) => {
			const path = `datasets/${i}/chunks/${k}/${j}.bin`;
			const buffer = r.buffer(path);
			const width = col.kind === 'numeric' ? 8 : 4;
			if (buffer.byteLength !== rowCount * width) c.fail(`"${path}"`, `has ${buffer.byteLength} bytes; ${rowCount} rows of ${col.kind} values need ${rowCount * width}`);
			if (col.kind === 'categorical') {
				const codes = new Int32Array(buffer);
				const n = col.categories!.length;
				for (let x = 0; x < codes.length; x++) if (codes[x] < -1 || codes[x] >= n) c.fail(`"${path}"`, `row ${x + 1} has category code ${codes[x]}, outside the column's ${n} categories`);
			}
			return buffer;
		});
		chunks.push({ index: k, rowCount, columns });
		rows += rowCount;
	}
	if (rows !== meta.rowCount) c.fail(`datasets/${i}/dataset.json`, `declares ${meta.rowCount} rows, but its ${meta.chunkCount} chunks of ${meta.chunkRows} hold ${rows}`);
	return chunks;
}

function readModel(r: BundleReader, i: number): BundleModel {
	const c = r.c;
	const path = `models/${i}/model.json`;
	const o = c.object(r.json(path), path, ['id', 'runId', 'projectId', 'createdAt', 'modelTopology', 'weightSpecs']);
	if (typeof o.modelTopology !== 'object' || o.modelTopology === null || Array.isArray(o.modelTopology)) c.fail(`${path}.modelTopology`, 'must be an object');
	const { specs, bytes } = checkWeightSpecs(c, o.weightSpecs, `${path}.weightSpecs`);
	const weightData = r.buffer(`models/${i}/weights.bin`);
	if (weightData.byteLength !== bytes) c.fail(`"models/${i}/weights.bin"`, `has ${weightData.byteLength} bytes; the weight manifest needs ${bytes}`);
	const prepPath = `models/${i}/preprocessing.json`;
	// A text run has no table features: its tokeniser or TF-IDF vocabulary is in the topology, checked by the text library.
	const text = isTextRunTopology(o.modelTopology) ? checkTextRunModel(c, o.modelTopology, r.json(prepPath), `${path}.modelTopology`, prepPath) : null;
	return {
		id: c.string(o.id, `${path}.id`, 128, { min: 1 }),
		runId: c.string(o.runId, `${path}.runId`, 128, { min: 1 }),
		projectId: c.string(o.projectId, `${path}.projectId`, 128, { min: 1 }),
		createdAt: c.number(o.createdAt, `${path}.createdAt`, { min: 0 }),
		artifacts: { modelTopology: text ? text.modelTopology : (o.modelTopology as object), weightSpecs: specs, weightData },
		preprocessing: text ? text.preprocessing : checkModelPreprocessing(c, r.json(prepPath), prepPath)
	};
}

/** Every id a record points at must be in the bundle, so the import is whole. */
function checkReferences(c: Checker, data: BundleData): void {
	const ids = (list: { id: string }[], what: string) => {
		const set = new Set(list.map((x) => x.id));
		if (set.size !== list.length) c.fail(what, 'contain the same id twice');
		return set;
	};
	const datasets = ids(data.datasets, 'the datasets');
	const runs = ids(data.runs, 'the runs');
	const models = ids(data.models, 'the models');
	const project = data.project.id;
	for (const d of data.datasets) if (d.projectId !== project) c.fail(`dataset "${d.id}"`, `belongs to project "${d.projectId}", not "${project}"`);
	for (const run of data.runs) {
		if (run.projectId !== project) c.fail(`run "${run.id}"`, `belongs to project "${run.projectId}", not "${project}"`);
		if (!datasets.has(run.datasetId)) c.fail(`run "${run.id}"`, `uses dataset "${run.datasetId}", which is not in the bundle`);
		if (run.modelId !== undefined && !models.has(run.modelId)) c.fail(`run "${run.id}"`, `points at model "${run.modelId}", which is not in the bundle`);
	}
	for (const m of data.models) {
		if (m.projectId !== project) c.fail(`model "${m.id}"`, `belongs to project "${m.projectId}", not "${project}"`);
		if (!runs.has(m.runId)) c.fail(`model "${m.id}"`, `comes from run "${m.runId}", which is not in the bundle`);
	}
	if (data.project.datasetId !== undefined && !datasets.has(data.project.datasetId)) c.fail('project.json', `names dataset "${data.project.datasetId}", which is not in the bundle`);
}

/** Upgrade raw files from `from` to the current format, oldest step first; returns the steps applied. */
export function upgradeBundleFiles(files: BundleFiles, manifest: Record<string, unknown>, from: number, steps: Record<number, BundleUpgrade> = UPGRADES, to = BUNDLE_FORMAT_VERSION): string[] {
	const applied: string[] = [];
	for (let v = from; v < to; v++) {
		const step = steps[v];
		if (!step) throw new KilnError('ImportError', `This project bundle uses format ${from}, and this Kiln has no upgrade from format ${v}. Open it in the Kiln version that made it and export it again.`);
		step(files, manifest);
		manifest.formatVersion = v + 1;
		files.set('manifest.json', json(manifest));
		applied.push(`${v} → ${v + 1}`);
	}
	return applied;
}

/** A bundle → checked plain data; every problem is an ImportError saying which file and field. */
export function readBundle(bytes: Uint8Array): ReadBundle {
	const r = new BundleReader(bytes);
	const c = r.c;
	const rawManifest = c.object(r.json('manifest.json'), 'manifest.json', ['format', 'formatVersion'], [], 'keep');
	if (rawManifest.format !== BUNDLE_FORMAT) c.fail('manifest.json', 'does not describe a Kiln project bundle');
	const version = c.integer(rawManifest.formatVersion, 'manifest.json.formatVersion', 1, 1_000_000);
	if (version > BUNDLE_FORMAT_VERSION) throw new KilnError('ImportError', `This project bundle was made by a newer Kiln (bundle format ${version}; this version reads up to ${BUNDLE_FORMAT_VERSION}). Update Kiln and import it again.`);
	let upgraded: string[] = [];
	if (version < BUNDLE_FORMAT_VERSION) {
		r.loadAll();
		upgraded = upgradeBundleFiles(r.files, rawManifest, version);
	}
	const m = c.object(version < BUNDLE_FORMAT_VERSION ? r.json('manifest.json') : rawManifest, 'manifest.json', ['format', 'formatVersion', 'kilnVersion', 'createdAt', 'datasets', 'runs', 'models', 'includesRows']);
	const count = (v: unknown, what: string) => c.integer(v, `manifest.json.${what}`, 0, BUNDLE_LIMITS.maxItems);
	const manifest: BundleManifest = {
		format: BUNDLE_FORMAT,
		formatVersion: BUNDLE_FORMAT_VERSION,
		kilnVersion: c.string(m.kilnVersion, 'manifest.json.kilnVersion', 64),
		createdAt: c.number(m.createdAt, 'manifest.json.createdAt', { min: 0 }),
		datasets: count(m.datasets, 'datasets'),
		runs: count(m.runs, 'runs'),
		models: count(m.models, 'models'),
		includesRows: c.boolean(m.includesRows, 'manifest.json.includesRows')
	};
	const project = checkProject(c, r.json('project.json'));
	const datasets = Array.from({ length: manifest.datasets }, (_, i): BundleDataset => {
		const meta = checkDataset(c, r.json(`datasets/${i}/dataset.json`), `datasets/${i}/dataset.json`);
		const chunks = readChunks(r, meta, i);
		return chunks ? { ...meta, chunks } : meta;
	});
	if (manifest.includesRows !== datasets.some((d) => d.chunks)) c.fail('manifest.json.includesRows', `says ${manifest.includesRows}, but the bundle ${manifest.includesRows ? 'has no rows' : 'has rows'}`);
	const runs = Array.from({ length: manifest.runs }, (_, i): BundleRun => {
		const run = checkRun(c, r.json(`runs/${i}/run.json`), `runs/${i}/run.json`);
		const card = `runs/${i}/model-card.md`;
		return r.has(card) ? { ...run, modelCard: r.text(card) } : run;
	});
	const models = Array.from({ length: manifest.models }, (_, i) => readModel(r, i));
	const data: BundleData = { project, datasets, runs, models };
	checkReferences(c, data);
	return { ...data, manifest, upgraded };
}
