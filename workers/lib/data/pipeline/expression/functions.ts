import { datePartColumns } from '../dates';
import { finite, missingOf, StringBuilder, textAt, TRUE, FALSE, UNKNOWN, type BoolVec, type NumberVec, type StringVec, type Vec } from './vectors';
import type { ValueType } from './signatures';
import { mapToFloat64 } from '../typed';

type Resolved = Exclude<Vec, { type: 'any' }>;

function asNumber(v: Vec, n: number): NumberVec {
	return v.type === 'number' ? v : (missingOf('number', n) as NumberVec);
}
function asString(v: Vec, n: number): StringVec {
	return v.type === 'string' ? v : (missingOf('string', n) as StringVec);
}

function mapNumbers(args: Vec[], n: number, fn: (...xs: number[]) => number): NumberVec {
	const inputs = args.map((a) => asNumber(a, n).values);
	const out = new Float64Array(n);
	// One- and two-argument functions (nearly all) without the spread and scratch array.
	if (inputs.length === 1) {
		const a = inputs[0];
		for (let r = 0; r < n; r++) out[r] = Number.isNaN(a[r]) ? NaN : finite(fn(a[r]));
		return { type: 'number', values: out };
	}
	if (inputs.length === 2) {
		const [a, b] = inputs;
		for (let r = 0; r < n; r++) out[r] = Number.isNaN(a[r]) || Number.isNaN(b[r]) ? NaN : finite(fn(a[r], b[r]));
		return { type: 'number', values: out };
	}
	const xs = new Array<number>(inputs.length);
	for (let r = 0; r < n; r++) {
		let missing = false;
		for (let k = 0; k < inputs.length; k++) {
			xs[k] = inputs[k][r];
			if (Number.isNaN(xs[k])) missing = true;
		}
		out[r] = missing ? NaN : finite(fn(...xs));
	}
	return { type: 'number', values: out };
}

function textToText(vec: StringVec, n: number, fn: (s: string) => string): StringVec {
	const out = new StringBuilder(n);
	const mapped = vec.dict.map(fn);
	for (let r = 0; r < n; r++) if (vec.codes[r] >= 0) out.set(r, mapped[vec.codes[r]]);
	return out.build();
}

function textTest(args: Vec[], n: number, fn: (s: string, part: string) => boolean): BoolVec {
	const a = asString(args[0], n);
	const b = asString(args[1], n);
	const out = new Int8Array(n);
	for (let r = 0; r < n; r++) {
		const s = textAt(a, r);
		const p = textAt(b, r);
		out[r] = s === null || p === null ? UNKNOWN : fn(s, p) ? TRUE : FALSE;
	}
	return { type: 'bool', values: out };
}

function roundHalfAway(x: number, digits: number): number {
	const d = Math.max(-15, Math.min(15, Math.trunc(digits)));
	const scale = 10 ** d;
	return (Math.sign(x) * Math.round(Math.abs(x) * scale)) / scale;
}

/** Rows take the first argument (or branch) that is present; missing conditions take else. */
function choose(args: Resolved[], n: number, pick: (r: number) => number): Resolved {
	const type = args[0].type;
	if (type === 'number') {
		const values = new Float64Array(n);
		for (let r = 0; r < n; r++) values[r] = (args[pick(r)] as NumberVec).values[r];
		return { type, values };
	}
	if (type === 'bool') {
		const values = new Int8Array(n);
		for (let r = 0; r < n; r++) values[r] = (args[pick(r)] as BoolVec).values[r];
		return { type, values };
	}
	const out = new StringBuilder(n);
	for (let r = 0; r < n; r++) out.set(r, textAt(args[pick(r)] as StringVec, r));
	return out.build();
}

function isMissingAt(v: Resolved, r: number): boolean {
	return v.type === 'number' ? Number.isNaN(v.values[r]) : v.type === 'bool' ? v.values[r] === UNKNOWN : v.codes[r] < 0;
}

/** Applies a checked function call; `type` is the call's resolved result type. */
export function callFunction(name: string, args: Vec[], n: number, type: ValueType): Vec {
	switch (name) {
		case 'abs':
			return mapNumbers(args, n, Math.abs);
		case 'exp':
			return mapNumbers(args, n, Math.exp);
		case 'sqrt':
			return mapNumbers(args, n, Math.sqrt);
		case 'floor':
			return mapNumbers(args, n, Math.floor);
		case 'ceil':
			return mapNumbers(args, n, Math.ceil);
		case 'log':
			return mapNumbers(args, n, (x, base) => (base === undefined ? Math.log(x) : Math.log(x) / Math.log(base)));
		case 'round':
			return mapNumbers(args, n, (x, digits) => roundHalfAway(x, digits ?? 0));
		case 'min':
			return mapNumbers(args, n, Math.min);
		case 'max':
			return mapNumbers(args, n, Math.max);
		case 'year':
		case 'month':
		case 'day':
		case 'weekday':
		case 'hour':
			return { type: 'number', values: datePartColumns(asNumber(args[0], n).values, [name])[0] };
		case 'lower':
			return textToText(asString(args[0], n), n, (s) => s.toLowerCase());
		case 'upper':
			return textToText(asString(args[0], n), n, (s) => s.toUpperCase());
		case 'len': {
			const text = asString(args[0], n);
			const lengths = text.dict.map((s) => [...s].length);
			return { type: 'number', values: mapToFloat64(text.codes, (c) => (c < 0 ? NaN : lengths[c])) };
		}
		case 'contains':
			return textTest(args, n, (s, p) => s.includes(p));
		case 'startswith':
			return textTest(args, n, (s, p) => s.startsWith(p));
		case 'endswith':
			return textTest(args, n, (s, p) => s.endsWith(p));
		case 'concat': {
			const out = new StringBuilder(n);
			for (let r = 0; r < n; r++) {
				let text = '';
				let missing = false;
				for (const a of args) {
					const part = a.type === 'number' ? (Number.isNaN(a.values[r]) ? null : String(a.values[r])) : a.type === 'string' ? textAt(a, r) : null;
					if (part === null) missing = true;
					else text += part;
				}
				out.set(r, missing ? null : text);
			}
			return out.build();
		}
		case 'if': {
			if (type === 'any') return { type: 'any' };
			const cond = args[0].type === 'bool' ? args[0].values : new Int8Array(n).fill(UNKNOWN);
			const branches = [args[1], args[2]].map((a) => (a.type === 'any' ? missingOf(type, n) : a));
			return choose(branches, n, (r) => (cond[r] === TRUE ? 0 : 1));
		}
		case 'coalesce': {
			if (type === 'any') return { type: 'any' };
			const values = args.map((a) => (a.type === 'any' ? missingOf(type, n) : a));
			return choose(values, n, (r) => {
				const k = values.findIndex((v) => !isMissingAt(v, r));
				return k < 0 ? 0 : k;
			});
		}
	}
	throw new Error(`unknown function ${name}`);
}
