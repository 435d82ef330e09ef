import type { Column, FeatureTransform, Preprocessing, Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { encodeFeatures, type EncodedFeatures } from '$workers/lib/preprocess';
import { SIDECAR_FORMAT, SIDECAR_VERSION, type PreprocessingSidecar, type SidecarSlot } from './types';

/**
 * The fitted preprocessing as a versioned JSON sidecar that travels with an exported model, and
 * the ONNX input names of the combined pipeline graph (preprocess-onnx.ts) derived from it.
 */

export const NUMERIC_INPUT = 'numeric';
export const codeInput = (feature: string) => `code:${feature}`;

export function preprocessingLayout(prep: Preprocessing): SidecarSlot[] {
	let offset = 0;
	return prep.features.map((f) => {
		const width = f.kind === 'numeric' ? 1 : f.categories.length;
		const slot = { feature: f.name, kind: f.kind, offset, width };
		offset += width;
		return slot;
	});
}

export function toSidecar(prep: Preprocessing): PreprocessingSidecar {
	const numeric = prep.features.some((f) => f.kind === 'numeric');
	return {
		format: SIDECAR_FORMAT,
		version: SIDECAR_VERSION,
		features: prep.features.map((f) => ({ ...f, ...(f.kind === 'categorical' ? { categories: [...f.categories] } : {}) })),
		target: prep.target.task === 'classification' ? { ...prep.target, classes: [...prep.target.classes] } : { ...prep.target },
		inputSize: prep.inputSize,
		layout: preprocessingLayout(prep),
		onnxInputs: {
			numeric: numeric ? NUMERIC_INPUT : null,
			categorical: prep.features.filter((f) => f.kind === 'categorical').map((f) => ({ feature: f.name, input: codeInput(f.name) }))
		}
	};
}

function invalid(message: string): never {
	throw new KilnError('ModelFormatError', `The preprocessing file is not valid: ${message}`);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function parseFeature(raw: unknown, i: number): FeatureTransform {
	if (!isRecord(raw) || typeof raw.name !== 'string') invalid(`feature ${i} needs a name.`);
	if (raw.kind === 'numeric') {
		if (!finite(raw.mean) || !finite(raw.std) || raw.std <= 0) invalid(`numeric feature "${raw.name}" needs a finite mean and a positive std.`);
		return { name: raw.name, kind: 'numeric', mean: raw.mean, std: raw.std };
	}
	if (raw.kind === 'categorical') {
		if (!isStrings(raw.categories)) invalid(`categorical feature "${raw.name}" needs a list of category names.`);
		if (!Number.isInteger(raw.fill) || (raw.fill as number) < -1 || (raw.fill as number) >= raw.categories.length) invalid(`categorical feature "${raw.name}" has fill ${String(raw.fill)}; expected -1 or a category index.`);
		return { name: raw.name, kind: 'categorical', categories: [...raw.categories], fill: raw.fill as number };
	}
	return invalid(`feature "${raw.name}" has kind ${JSON.stringify(raw.kind)}; expected "numeric" or "categorical".`);
}

/** Validates a sidecar (object or JSON text) and returns it with derived fields recomputed. */
export function parseSidecar(input: unknown): PreprocessingSidecar {
	let raw = input;
	if (typeof input === 'string') {
		try {
			raw = JSON.parse(input);
		} catch {
			invalid('it is not JSON.');
		}
	}
	if (!isRecord(raw) || raw.format !== SIDECAR_FORMAT) invalid(`expected "format": "${SIDECAR_FORMAT}".`);
	if (raw.version !== SIDECAR_VERSION) {
		if (typeof raw.version === 'number' && raw.version > SIDECAR_VERSION) invalid(`it is version ${raw.version}, written by a newer Kiln; this one reads version ${SIDECAR_VERSION}.`);
		invalid(`unknown version ${JSON.stringify(raw.version)}.`);
	}
	if (!Array.isArray(raw.features) || raw.features.length === 0) invalid('it lists no features.');
	const features = raw.features.map(parseFeature);
	const names = new Set(features.map((f) => f.name));
	if (names.size !== features.length) invalid('two features have the same name.');
	const t = raw.target;
	if (!isRecord(t) || typeof t.name !== 'string') invalid('the target needs a name.');
	let target: Preprocessing['target'];
	if (t.task === 'classification' && isStrings(t.classes) && t.classes.length >= 2) target = { name: t.name, task: 'classification', classes: [...t.classes] };
	else if (t.task === 'regression' && finite(t.mean) && finite(t.std) && t.std > 0) target = { name: t.name, task: 'regression', mean: t.mean, std: t.std };
	else return invalid(`the target "${t.name}" needs classes (classification) or a mean and positive std (regression).`);
	const inputSize = features.reduce((n, f) => n + (f.kind === 'numeric' ? 1 : f.categories.length), 0);
	if (raw.inputSize !== inputSize) invalid(`inputSize is ${String(raw.inputSize)} but the features encode to ${inputSize} inputs.`);
	return toSidecar({ features, target, inputSize });
}

export function fromSidecar(sidecar: PreprocessingSidecar): Preprocessing {
	const checked = parseSidecar(sidecar);
	return { features: checked.features, target: checked.target, inputSize: checked.inputSize };
}

/** A raw row as a form or a JSON API gives it: numbers or text; '', null and NaN mean missing. */
export type RawRecord = Record<string, string | number | null | undefined>;

const missing = (v: unknown) => v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));

/** Records → a Table holding just the model's feature columns, typed as the model expects. */
export function recordsToTable(prep: Preprocessing, records: RawRecord[]): Table {
	const columns: Column[] = prep.features.map((f) => {
		if (f.kind === 'numeric') {
			const values = Float64Array.from(records, (r, i) => {
				const v = r[f.name];
				if (missing(v)) return NaN;
				const n = typeof v === 'number' ? v : Number(String(v).trim());
				if (!Number.isFinite(n)) throw new KilnError('SchemaMismatchError', `Row ${i + 1}, column "${f.name}": "${String(v)}" is not a number.`);
				return n;
			});
			return { name: f.name, kind: 'numeric', values };
		}
		const categories: string[] = [];
		const index = new Map<string, number>();
		const codes = Int32Array.from(records, (r) => {
			const v = r[f.name];
			if (missing(v)) return -1;
			const text = String(v);
			if (!index.has(text)) index.set(text, categories.push(text) - 1);
			return index.get(text)!;
		});
		return { name: f.name, kind: 'categorical', categories, codes };
	});
	return { rowCount: records.length, columns };
}

/** Encode raw records exactly as training encoded its rows (via encodeFeatures). */
export function encodeRecords(prep: Preprocessing, records: RawRecord[]): EncodedFeatures {
	const rows = Int32Array.from({ length: records.length }, (_, i) => i);
	return encodeFeatures(recordsToTable(prep, records), prep, rows);
}
