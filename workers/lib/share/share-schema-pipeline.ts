import type { Preprocessing } from '$workers/protocol';
import type { SharePipeline, SharePipelineFeature, SharePipelineStep } from './kinds';
import { LIMITS } from './validate-preprocessing';
import type { Checker } from './validate';
import { checkStepMore, checkTfidf, MORE_STEP_KEYS, MORE_STEP_KINDS, TFIDF_KEYS } from './share-schema-pipeline-more';

/** Bounds on a shared pipeline; the Prepare editor's own limits are lower. */
export const PIPELINE_LIMITS = { steps: 200, columnsPerStep: 2000, edges: 1000, categories: 10_000, buckets: 4096 } as const;

type Kind = 'numeric' | 'categorical';

/**
 * A pipeline from untrusted JSON. Besides shapes and finite numbers, the steps are walked over
 * the column names and kinds they would see, so a link whose steps read a column that is not
 * there (or numbers where there is text) is refused here rather than failing at prediction.
 */
export function checkPipeline(c: Checker, value: unknown, form: Preprocessing, path = 'pipeline'): SharePipeline {
	const o = c.object(value, path, ['inputs', 'steps', 'features', 'inputSize']);
	const name = (v: unknown, at: string) => c.string(v, at, LIMITS.nameChars, { min: 1 });
	const num = (v: unknown, at: string) => c.number(v, at);
	const names = (v: unknown, at: string) => {
		const list = c.array(v, at, PIPELINE_LIMITS.columnsPerStep, 1).map((n, i) => name(n, `${at}[${i}]`));
		c.unique(list, at);
		return list;
	};
	const columns = new Map<string, Kind>();
	const inputs = c.array(o.inputs, `${path}.inputs`, LIMITS.features, 1).map((v, i) => {
		const at = `${path}.inputs[${i}]`;
		const input = c.object(v, at, ['name', 'kind'], ['date']);
		const entry = { name: name(input.name, `${at}.name`), kind: c.oneOf(input.kind, `${at}.kind`, ['numeric', 'categorical'] as const) };
		if (input.date !== undefined) {
			if (input.date !== true || entry.kind !== 'numeric') c.fail(`${at}.date`, 'must be true, on a numeric input');
			Object.assign(entry, { date: true });
		}
		if (columns.has(entry.name)) c.fail(at, `names "${entry.name.slice(0, 40)}" twice`);
		columns.set(entry.name, entry.kind);
		return entry;
	});
	if (form.features.length !== inputs.length || form.features.some((f, i) => f.name !== inputs[i].name || f.kind !== inputs[i].kind)) c.fail(`${path}.inputs`, 'do not match the form fields of the link');
	const need = (column: string, at: string, kind?: Kind) => {
		const found = columns.get(column);
		if (!found) c.fail(at, `reads "${column.slice(0, 40)}", which no earlier step provides`);
		if (kind && found !== kind) c.fail(at, `expects ${kind === 'numeric' ? 'numbers' : 'text'} in "${column.slice(0, 40)}"`);
	};
	const steps = c.array(o.steps, `${path}.steps`, PIPELINE_LIMITS.steps).map((v, i): SharePipelineStep => {
		const at = `${path}.steps[${i}]`;
		const kind = c.oneOf(c.object(v, at, ['kind'], ['columns', 'from', 'to', 'column', 'fills', 'indicator', 'bounds', 'guard', 'shifts', 'edges', 'labels', 'output', ...MORE_STEP_KEYS]).kind, `${at}.kind`, ['drop', 'rename', 'cast', 'impute', 'clip', 'log', 'bin', ...MORE_STEP_KINDS] as const);
		if (kind === 'date-parts' || kind === 'derive' || kind === 'anonymise' || kind === 'mask-pii') return checkStepMore(c, v, at, kind, { columns, need, name });
		if (kind === 'drop') {
			const s = c.object(v, at, ['kind', 'columns']);
			const list = names(s.columns, `${at}.columns`);
			list.forEach((n) => (need(n, at), columns.delete(n)));
			return { kind, columns: list };
		}
		if (kind === 'rename') {
			const s = c.object(v, at, ['kind', 'from', 'to']);
			const from = name(s.from, `${at}.from`);
			const to = name(s.to, `${at}.to`);
			need(from, at);
			if (to !== from && columns.has(to)) c.fail(at, `renames onto "${to.slice(0, 40)}", which already exists`);
			const k = columns.get(from)!;
			columns.delete(from);
			columns.set(to, k);
			return { kind, from, to };
		}
		if (kind === 'cast') {
			const s = c.object(v, at, ['kind', 'column', 'to']);
			const column = name(s.column, `${at}.column`);
			const to = c.oneOf(s.to, `${at}.to`, ['numeric', 'categorical'] as const);
			need(column, at);
			columns.set(column, to);
			return { kind, column, to };
		}
		if (kind === 'impute') {
			const s = c.object(v, at, ['kind', 'columns', 'fills', 'indicator']);
			const list = names(s.columns, `${at}.columns`);
			const fills = c.array(s.fills, `${at}.fills`, list.length, list.length).map((f, j) => {
				need(list[j], at);
				return columns.get(list[j]) === 'numeric' ? num(f, `${at}.fills[${j}]`) : c.string(f, `${at}.fills[${j}]`, LIMITS.labelChars);
			});
			const indicator = c.boolean(s.indicator, `${at}.indicator`);
			if (indicator) list.forEach((n) => columns.set(`${n}_missing`, 'numeric'));
			return { kind, columns: list, fills, indicator };
		}
		if (kind === 'clip') {
			const s = c.object(v, at, ['kind', 'columns', 'bounds']);
			const list = names(s.columns, `${at}.columns`);
			list.forEach((n) => need(n, at, 'numeric'));
			const bounds = c.array(s.bounds, `${at}.bounds`, list.length, list.length).map((b, j): [number | null, number | null] => {
				const pair = c.array(b, `${at}.bounds[${j}]`, 2, 2).map((x, k) => (x === null ? null : num(x, `${at}.bounds[${j}][${k}]`)));
				if (pair[0] !== null && pair[1] !== null && pair[0] > pair[1]) c.fail(`${at}.bounds[${j}]`, 'has its lower bound above its upper bound');
				return [pair[0], pair[1]];
			});
			return { kind, columns: list, bounds };
		}
		if (kind === 'log') {
			const s = c.object(v, at, ['kind', 'columns', 'guard', 'shifts']);
			const list = names(s.columns, `${at}.columns`);
			list.forEach((n) => need(n, at, 'numeric'));
			const shifts = c.array(s.shifts, `${at}.shifts`, list.length, list.length).map((x, j) => c.number(x, `${at}.shifts[${j}]`, { min: 0 }));
			return { kind, columns: list, guard: c.oneOf(s.guard, `${at}.guard`, ['signed', 'shift', 'missing'] as const), shifts };
		}
		const s = c.object(v, at, ['kind', 'column', 'edges', 'labels', 'output']);
		const column = name(s.column, `${at}.column`);
		need(column, at, 'numeric');
		const edges = c.array(s.edges, `${at}.edges`, PIPELINE_LIMITS.edges).map((x, j) => num(x, `${at}.edges[${j}]`));
		for (let j = 1; j < edges.length; j++) if (!(edges[j] > edges[j - 1])) c.fail(`${at}.edges`, 'must rise strictly');
		const labels = c.array(s.labels, `${at}.labels`, edges.length + 1, edges.length + 1).map((x, j) => c.string(x, `${at}.labels[${j}]`, LIMITS.labelChars));
		const output = s.output === null ? null : name(s.output, `${at}.output`);
		if (output !== null && output !== column && columns.has(output)) c.fail(at, `writes "${output.slice(0, 40)}", which already exists`);
		columns.set(output ?? column, 'categorical');
		return { kind: 'bin', column, edges, labels, output };
	});
	let width = 0;
	const features = c.array(o.features, `${path}.features`, LIMITS.features, 1).map((v, i): SharePipelineFeature => {
		const at = `${path}.features[${i}]`;
		const kind = c.oneOf(c.object(v, at, ['kind'], ['column', 'center', 'scale', 'fill', 'categories', 'other', 'buckets', ...TFIDF_KEYS]).kind, `${at}.kind`, ['scale', 'one-hot', 'ordinal', 'hashing', 'tfidf'] as const);
		if (kind === 'tfidf') {
			const f = checkTfidf(c, v, at, { columns, need, name });
			width += f.terms.length;
			return f;
		}
		if (kind === 'scale') {
			const f = c.object(v, at, ['kind', 'column', 'center', 'scale', 'fill']);
			const column = name(f.column, `${at}.column`);
			need(column, at, 'numeric');
			const scale = num(f.scale, `${at}.scale`);
			if (scale === 0) c.fail(`${at}.scale`, 'must not be 0');
			width += 1;
			return { kind, column, center: num(f.center, `${at}.center`), scale, fill: num(f.fill, `${at}.fill`) };
		}
		if (kind === 'hashing') {
			const f = c.object(v, at, ['kind', 'column', 'buckets']);
			const column = name(f.column, `${at}.column`);
			need(column, at, 'categorical');
			const buckets = c.integer(f.buckets, `${at}.buckets`, 1, PIPELINE_LIMITS.buckets);
			width += buckets;
			return { kind, column, buckets };
		}
		const f = kind === 'one-hot' ? c.object(v, at, ['kind', 'column', 'categories', 'fill', 'other']) : c.object(v, at, ['kind', 'column', 'categories', 'fill']);
		const column = name(f.column, `${at}.column`);
		need(column, at, 'categorical');
		const categories = c.array(f.categories, `${at}.categories`, PIPELINE_LIMITS.categories).map((x, j) => c.string(x, `${at}.categories[${j}]`, LIMITS.labelChars));
		c.unique(categories, `${at}.categories`);
		const fill = c.integer(f.fill, `${at}.fill`, -1, categories.length - 1);
		if (kind === 'ordinal') {
			width += 1;
			return { kind, column, categories, fill };
		}
		const other = c.boolean(f.other, `${at}.other`);
		width += categories.length + (other ? 1 : 0);
		return { kind, column, categories, fill, other };
	});
	const inputSize = c.integer(o.inputSize, `${path}.inputSize`, 1, LIMITS.inputs);
	if (width !== inputSize) c.fail(`${path}.inputSize`, `is ${inputSize}, but the features encode to ${width} inputs`);
	return { inputs, steps, features, inputSize };
}
