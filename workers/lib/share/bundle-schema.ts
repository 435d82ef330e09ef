import type { ClassicSpec, ColumnProfile, EpochRecord, ImageDatasetMeta, Metrics, ModelKind, Preprocessing, TrainConfig } from '$workers/protocol';
import { CLASSIC_FAMILIES } from '$workers/lib/models/types';
import { validateParams } from '$workers/lib/models/params';
import type { BundleDataset, BundleProject, BundleRun, BundleRunStatus } from './types';
import { checkPreprocessing, checkTarget, LIMITS } from './validate-preprocessing';
import type { Checker } from './validate';

const DATE_ORDERS = ['ymd', 'dmy', 'mdy'] as const;

const ID = 128;
const TEXT = 10_000;
const time = (c: Checker, v: unknown, path: string) => c.number(v, path, { min: 0 });
const optional = <T>(v: unknown, check: (v: unknown) => T): T | undefined => (v === undefined ? undefined : check(v));
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export function checkConfig(c: Checker, value: unknown, path: string): TrainConfig {
	const o = c.object(value, path, ['target', 'task', 'features', 'model', 'hiddenLayers', 'epochs', 'learningRate', 'l2', 'batchSize', 'seed', 'holdoutFraction'], [], 'keep');
	return {
		...o,
		target: c.string(o.target, `${path}.target`, LIMITS.nameChars),
		task: c.oneOf(o.task, `${path}.task`, ['classification', 'regression'] as const),
		features: c.array(o.features, `${path}.features`, LIMITS.features).map((f, i) => c.string(f, `${path}.features[${i}]`, LIMITS.nameChars)),
		// Model families land over time; the kind is checked as text and mapped by the app.
		model: c.string(o.model, `${path}.model`, 64, { min: 1 }) as ModelKind,
		hiddenLayers: c.array(o.hiddenLayers, `${path}.hiddenLayers`, 64).map((u, i) => c.integer(u, `${path}.hiddenLayers[${i}]`, 1, 65_536)),
		epochs: c.integer(o.epochs, `${path}.epochs`, 1, 1_000_000),
		learningRate: c.number(o.learningRate, `${path}.learningRate`, { above: 0 }),
		l2: c.number(o.l2, `${path}.l2`, { min: 0 }),
		batchSize: c.integer(o.batchSize, `${path}.batchSize`, 1, 1 << 30),
		seed: c.number(o.seed, `${path}.seed`, { integer: true }),
		holdoutFraction: c.number(o.holdoutFraction, `${path}.holdoutFraction`, { above: 0, max: 1 }),
		// Absent in configs written before validation existed: those runs used none (0, 0).
		validationFraction: o.validationFraction === undefined ? 0 : c.number(o.validationFraction, `${path}.validationFraction`, { min: 0, max: 1 }),
		patience: o.patience === undefined ? 0 : c.integer(o.patience, `${path}.patience`, 0, 1_000_000),
		...(o.classic === undefined ? {} : { classic: checkClassic(c, o.classic, `${path}.classic`, o.task as TrainConfig['task']) })
	};
}

/** A classic family's settings, checked by the model library's own rules. */
function checkClassic(c: Checker, value: unknown, path: string, task: TrainConfig['task']): ClassicSpec {
	const o = c.object(value, path, ['family', 'params'], [], 'reject');
	const family = c.oneOf(o.family, `${path}.family`, CLASSIC_FAMILIES);
	const problems = Object.entries(validateParams(family, task, o.params));
	if (problems.length > 0) c.fail(`${path}.params`, problems.map(([field, message]) => `${field} ${message}`).join('; '));
	return { family, params: o.params } as ClassicSpec;
}

function checkHistory(c: Checker, value: unknown, path: string): EpochRecord[] {
	return c.array(value, path, 1_000_000).map((e, i) => {
		const o = c.object(e, `${path}[${i}]`, ['epoch', 'trainLoss', 'valLoss', 'valMetric'], [], 'keep');
		return { ...o, epoch: c.integer(o.epoch, `${path}[${i}].epoch`, 0, 1_000_000), trainLoss: c.number(o.trainLoss, `${path}[${i}].trainLoss`), valLoss: c.number(o.valLoss, `${path}[${i}].valLoss`), valMetric: c.number(o.valMetric, `${path}[${i}].valMetric`) };
	});
}

function checkMetrics(c: Checker, value: unknown, path: string): Metrics {
	const task = c.oneOf(c.object(value, path, ['task'], [], 'keep').task, `${path}.task`, ['classification', 'regression'] as const);
	if (task === 'regression') {
		const o = c.object(value, path, ['task', 'rmse', 'mae', 'r2', 'support'], [], 'keep');
		return { ...o, task, rmse: c.number(o.rmse, `${path}.rmse`, { min: 0 }), mae: c.number(o.mae, `${path}.mae`, { min: 0 }), r2: c.number(o.r2, `${path}.r2`), support: c.integer(o.support, `${path}.support`, 0, 2 ** 40) };
	}
	const o = c.object(value, path, ['task', 'accuracy', 'macroF1', 'classes', 'confusion', 'support'], [], 'keep');
	const classes = c.array(o.classes, `${path}.classes`, LIMITS.classes).map((v, i) => c.string(v, `${path}.classes[${i}]`, LIMITS.labelChars));
	const confusion = c.array(o.confusion, `${path}.confusion`, classes.length, classes.length).map((row, i) =>
		c.array(row, `${path}.confusion[${i}]`, classes.length, classes.length).map((n, j) => c.integer(n, `${path}.confusion[${i}][${j}]`, 0, 2 ** 40))
	);
	return {
		...o,
		task,
		accuracy: c.number(o.accuracy, `${path}.accuracy`, { min: 0, max: 1 }),
		macroF1: c.number(o.macroF1, `${path}.macroF1`, { min: 0, max: 1 }),
		classes,
		confusion,
		support: c.integer(o.support, `${path}.support`, 0, 2 ** 40)
	};
}

export function checkProject(c: Checker, value: unknown, path = 'project.json'): BundleProject {
	const o = c.object(value, path, ['id', 'name', 'createdAt', 'updatedAt'], ['datasetId', 'target', 'task', 'lastConfig'], 'keep');
	return defined({
		...o,
		id: c.string(o.id, `${path}.id`, ID, { min: 1 }),
		name: c.string(o.name, `${path}.name`, 500),
		createdAt: time(c, o.createdAt, `${path}.createdAt`),
		updatedAt: time(c, o.updatedAt, `${path}.updatedAt`),
		datasetId: optional(o.datasetId, (v) => c.string(v, `${path}.datasetId`, ID, { min: 1 })),
		target: optional(o.target, (v) => c.string(v, `${path}.target`, LIMITS.nameChars)),
		task: optional(o.task, (v) => c.oneOf(v, `${path}.task`, ['classification', 'regression'] as const)),
		lastConfig: optional(o.lastConfig, (v) => checkConfig(c, v, `${path}.lastConfig`))
	});
}

function checkProfile(c: Checker, value: unknown, path: string): ColumnProfile {
	const o = c.object(value, path, ['name', 'kind', 'missing', 'distinct'], ['min', 'max', 'mean', 'top'], 'keep');
	return defined({
		...o,
		name: c.string(o.name, `${path}.name`, LIMITS.nameChars),
		kind: c.oneOf(o.kind, `${path}.kind`, ['numeric', 'categorical'] as const),
		missing: c.integer(o.missing, `${path}.missing`, 0, 2 ** 40),
		distinct: c.integer(o.distinct, `${path}.distinct`, 0, 2 ** 40),
		min: optional(o.min, (v) => c.number(v, `${path}.min`)),
		max: optional(o.max, (v) => c.number(v, `${path}.max`)),
		mean: optional(o.mean, (v) => c.number(v, `${path}.mean`)),
		top: optional(o.top, (v) =>
			c.array(v, `${path}.top`, 1000).map((t, i) => {
				const e = c.object(t, `${path}.top[${i}]`, ['value', 'count']);
				return { value: c.string(e.value, `${path}.top[${i}].value`, TEXT), count: c.integer(e.count, `${path}.top[${i}].count`, 0, 2 ** 40) };
			})
		)
	});
}

/** Dataset metadata; the chunks are read separately against it. */
export function checkDataset(c: Checker, value: unknown, path: string): Omit<BundleDataset, 'chunks'> {
	const o = c.object(value, path, ['id', 'projectId', 'name', 'fileName', 'source', 'rowCount', 'columns', 'profile', 'chunkRows', 'chunkCount', 'bytes', 'createdAt'], [], 'keep');
	// An image dataset (format 2) has no columns: its chunks hold pixels and labels.
	const isImages = o.images !== undefined;
	const columns = c.array(o.columns, `${path}.columns`, isImages ? 0 : LIMITS.features + 1, isImages ? 0 : 1).map((col, i) => {
		// The importer's column facts (meaning, boolean spelling, date order) travel as they were stored.
		const e = c.object(col, `${path}.columns[${i}]`, ['name', 'kind'], ['categories', 'semantic', 'booleanLabels', 'dateOrder', 'text']);
		const kind = c.oneOf(e.kind, `${path}.columns[${i}].kind`, ['numeric', 'categorical'] as const);
		const categories = optional(e.categories, (v) => c.array(v, `${path}.columns[${i}].categories`, 10_000_000).map((s, j) => c.string(s, `${path}.columns[${i}].categories[${j}]`, TEXT)));
		if (kind === 'categorical' && !categories) c.fail(`${path}.columns[${i}]`, 'is categorical but has no categories');
		const semantic = optional(e.semantic, (v) => c.oneOf(v, `${path}.columns[${i}].semantic`, ['numeric', 'integer', 'boolean', 'datetime', 'categorical', 'text', 'identifier'] as const));
		const booleanLabels = optional(e.booleanLabels, (v) => {
			const pair = c.array(v, `${path}.columns[${i}].booleanLabels`, 2, 2).map((s, j) => c.string(s, `${path}.columns[${i}].booleanLabels[${j}]`, TEXT));
			return [pair[0], pair[1]] as [string, string];
		});
		const dateOrder = optional(e.dateOrder, (v) => c.oneOf(v, `${path}.columns[${i}].dateOrder`, DATE_ORDERS));
		// A folder of .txt files marks its text column (storage's `text: true`).
		const text = optional(e.text, (v) => (c.boolean(v, `${path}.columns[${i}].text`) ? (true as const) : undefined));
		return defined({ name: c.string(e.name, `${path}.columns[${i}].name`, LIMITS.nameChars), kind, categories, semantic, booleanLabels, dateOrder, text });
	});
	c.unique(columns.map((col) => col.name), `${path}.columns`);
	return {
		...o,
		id: c.string(o.id, `${path}.id`, ID, { min: 1 }),
		projectId: c.string(o.projectId, `${path}.projectId`, ID, { min: 1 }),
		name: c.string(o.name, `${path}.name`, 500),
		fileName: c.string(o.fileName, `${path}.fileName`, 500),
		source: c.oneOf(o.source, `${path}.source`, ['upload', 'demo'] as const),
		rowCount: c.integer(o.rowCount, `${path}.rowCount`, 0, 2 ** 31 - 1),
		columns,
		profile: c.array(o.profile, `${path}.profile`, LIMITS.features + 1).map((p, i) => checkProfile(c, p, `${path}.profile[${i}]`)),
		chunkRows: c.integer(o.chunkRows, `${path}.chunkRows`, 1, 2 ** 31 - 1),
		chunkCount: c.integer(o.chunkCount, `${path}.chunkCount`, 0, 100_000),
		bytes: c.integer(o.bytes, `${path}.bytes`, 0, 2 ** 52),
		createdAt: time(c, o.createdAt, `${path}.createdAt`),
		...(isImages ? { images: checkImages(c, o.images, `${path}.images`, c.integer(o.rowCount, `${path}.rowCount`, 0, 2 ** 31 - 1)) } : {})
	};
}

const STATUS: readonly BundleRunStatus[] = ['running', 'done', 'cancelled', 'failed', 'interrupted'];

export function checkRun(c: Checker, value: unknown, path: string): BundleRun {
	const o = c.object(value, path, ['id', 'projectId', 'datasetId', 'config', 'status', 'createdAt', 'history'], ['finishedAt', 'metrics', 'error', 'backend', 'durationMs', 'samplesPerSecond', 'modelId'], 'keep');
	return defined({
		...o,
		id: c.string(o.id, `${path}.id`, ID, { min: 1 }),
		projectId: c.string(o.projectId, `${path}.projectId`, ID, { min: 1 }),
		datasetId: c.string(o.datasetId, `${path}.datasetId`, ID, { min: 1 }),
		config: checkConfig(c, o.config, `${path}.config`),
		status: c.oneOf(o.status, `${path}.status`, STATUS),
		createdAt: time(c, o.createdAt, `${path}.createdAt`),
		finishedAt: optional(o.finishedAt, (v) => time(c, v, `${path}.finishedAt`)),
		history: checkHistory(c, o.history, `${path}.history`),
		metrics: optional(o.metrics, (v) => checkMetrics(c, v, `${path}.metrics`)),
		error: optional(o.error, (v) => c.string(v, `${path}.error`, TEXT, { multiline: true })),
		backend: optional(o.backend, (v) => c.string(v, `${path}.backend`, 64)),
		durationMs: optional(o.durationMs, (v) => c.number(v, `${path}.durationMs`, { min: 0 })),
		samplesPerSecond: optional(o.samplesPerSecond, (v) => c.number(v, `${path}.samplesPerSecond`, { min: 0 })),
		modelId: optional(o.modelId, (v) => c.string(v, `${path}.modelId`, ID, { min: 1 }))
	});
}

/** tfjs weight manifest entries and the byte length they need. */
export function checkWeightSpecs(c: Checker, value: unknown, path: string): { specs: { name: string; shape: number[]; dtype: string }[]; bytes: number } {
	let bytes = 0;
	const specs = c.array(value, path, 100_000).map((s, i) => {
		const o = c.object(s, `${path}[${i}]`, ['name', 'shape', 'dtype']);
		const shape = c.array(o.shape, `${path}[${i}].shape`, 8).map((d, j) => c.integer(d, `${path}[${i}].shape[${j}]`, 0, 2 ** 31 - 1));
		const dtype = c.oneOf(o.dtype, `${path}[${i}].dtype`, ['float32', 'int32'] as const);
		bytes += shape.reduce((a, b) => a * b, 1) * 4;
		if (bytes > 2 ** 32) c.fail(`${path}[${i}]`, 'makes the weights larger than 4 GiB');
		return { name: c.string(o.name, `${path}[${i}].name`, 1000, { min: 1 }), shape, dtype };
	});
	return { specs, bytes };
}

// ---- image datasets and image models (bundle format 2) ----------------------------------

const IMAGE_SIDE = 1024;

function channels(c: Checker, value: unknown, path: string): number {
	const n = c.integer(value, path, 1, 3);
	if (n === 2) c.fail(path, 'must be 1 (grayscale) or 3 (RGB)');
	return n;
}

/** An image dataset's description (DatasetRecord.images): shape, classes and per-class counts. */
export function checkImages(c: Checker, value: unknown, path: string, rowCount: number): ImageDatasetMeta {
	const o = c.object(value, path, ['height', 'width', 'channels', 'classes', 'counts', 'skipped'], ['testStart']);
	const classes = c.array(o.classes, `${path}.classes`, LIMITS.classes, 1).map((v, i) => c.string(v, `${path}.classes[${i}]`, LIMITS.labelChars, { min: 1 }));
	c.unique(classes, `${path}.classes`);
	const counts = c.array(o.counts, `${path}.counts`, classes.length, classes.length).map((n, i) => c.integer(n, `${path}.counts[${i}]`, 0, rowCount));
	if (counts.reduce((a, b) => a + b, 0) !== rowCount) c.fail(`${path}.counts`, `add up to ${counts.reduce((a, b) => a + b, 0)}, but the dataset has ${rowCount} images`);
	return defined({
		height: c.integer(o.height, `${path}.height`, 1, IMAGE_SIDE),
		width: c.integer(o.width, `${path}.width`, 1, IMAGE_SIDE),
		channels: channels(c, o.channels, `${path}.channels`),
		classes,
		counts,
		testStart: optional(o.testStart, (v) => c.integer(v, `${path}.testStart`, 0, rowCount)),
		skipped: c.array(o.skipped, `${path}.skipped`, 100_000).map((s, i) => {
			const e = c.object(s, `${path}.skipped[${i}]`, ['file', 'reason']);
			return { file: c.string(e.file, `${path}.skipped[${i}].file`, TEXT), reason: c.string(e.reason, `${path}.skipped[${i}].reason`, TEXT) };
		})
	});
}

/** A model's preprocessing: an image model's (no features; uint8 image shape) or a table model's. */
export function checkModelPreprocessing(c: Checker, value: unknown, path: string): Preprocessing {
	const image = typeof value === 'object' && value !== null && 'image' in value;
	if (!image) return checkPreprocessing(c, value, path);
	const o = c.object(value, path, ['features', 'target', 'inputSize', 'image']);
	c.array(o.features, `${path}.features`, 0);
	const shape = c.object(o.image, `${path}.image`, ['height', 'width', 'channels']);
	const imageShape = { height: c.integer(shape.height, `${path}.image.height`, 1, IMAGE_SIDE), width: c.integer(shape.width, `${path}.image.width`, 1, IMAGE_SIDE), channels: channels(c, shape.channels, `${path}.image.channels`) };
	const inputSize = c.integer(o.inputSize, `${path}.inputSize`, 1, IMAGE_SIDE * IMAGE_SIDE * 3);
	if (inputSize !== imageShape.height * imageShape.width * imageShape.channels) c.fail(`${path}.inputSize`, `is ${inputSize}, but ${imageShape.height}×${imageShape.width}×${imageShape.channels} images have ${imageShape.height * imageShape.width * imageShape.channels} values`);
	const target = checkTarget(c, o.target, `${path}.target`);
	if (target.task !== 'classification') c.fail(`${path}.target.task`, 'must be classification for an image model');
	return { features: [], target, inputSize, image: imageShape };
}
