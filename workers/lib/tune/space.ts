import { KilnError } from '$shared/errors';
import type { Config, ParamSpec, ParamValue, SearchSpace } from './types';

type NumericSpec = Extract<ParamSpec, { type: 'float' | 'int' }>;

const fail = (message: string): never => {
	throw new KilnError('SearchError', message);
};

export function validateSpace(space: SearchSpace): void {
	const names = Object.keys(space);
	if (names.length === 0) fail('The search space is empty; add at least one parameter to tune.');
	for (const name of names) {
		const spec = space[name];
		if (spec.type === 'categorical') {
			if (!Array.isArray(spec.choices) || spec.choices.length === 0) fail(`Parameter "${name}" has no choices; give at least one.`);
			if (new Set(spec.choices).size !== spec.choices.length) fail(`Parameter "${name}" lists a choice twice.`);
			continue;
		}
		const { low, high, log, step } = spec;
		if (!Number.isFinite(low) || !Number.isFinite(high) || low > high) fail(`Parameter "${name}" needs finite bounds with low ≤ high; got ${low} and ${high}.`);
		if (log && low <= 0) fail(`Parameter "${name}" is searched on a log scale, so its lower bound must be above 0; got ${low}.`);
		if (step !== undefined && !(step > 0)) fail(`Parameter "${name}" has step ${step}; a step must be above 0.`);
		if (log && step !== undefined && !(spec.type === 'int' && step === 1)) fail(`Parameter "${name}" cannot have both a log scale and a step.`);
		if (spec.type === 'int' && (!Number.isInteger(low) || !Number.isInteger(high) || (step !== undefined && !Number.isInteger(step)))) {
			fail(`Integer parameter "${name}" needs whole-number bounds and step; got ${low}, ${high}${step !== undefined ? `, step ${step}` : ''}.`);
		}
	}
}

/**
 * The space samplers work in: ln(value) for log ranges; integers widened by half a step each
 * side so every integer gets an equal share (Optuna does the same).
 */
export function internalBounds(spec: NumericSpec): [number, number] {
	if (spec.type === 'int') {
		const half = (spec.step ?? 1) / 2;
		return spec.log ? [Math.log(spec.low - 0.5), Math.log(spec.high + 0.5)] : [spec.low - half, spec.high + half];
	}
	return spec.log ? [Math.log(spec.low), Math.log(spec.high)] : [spec.low, spec.high];
}

export function toInternal(spec: NumericSpec, value: number): number {
	return spec.log ? Math.log(value) : value;
}

/** An internal-space number back to a legal value: rounded, stepped and clamped. */
export function fromInternal(spec: NumericSpec, x: number): number {
	let v = spec.log ? Math.exp(x) : x;
	if (spec.type === 'int') {
		const step = spec.step ?? 1;
		v = spec.low + Math.round((v - spec.low) / step) * step;
		const top = spec.low + Math.floor((spec.high - spec.low) / step) * step;
		return Math.min(Math.max(v, spec.low), top);
	}
	if (spec.step !== undefined) {
		const top = spec.low + Math.floor((spec.high - spec.low) / spec.step + 1e-9) * spec.step;
		v = Math.min(spec.low + Math.round((v - spec.low) / spec.step) * spec.step, top);
		// keep the decimal digits of the step (0.1·3 would otherwise print as 0.30000000000000004)
		v = Number(v.toFixed(decimals(spec.step) + decimals(spec.low)));
	}
	return Math.min(Math.max(v, spec.low), spec.high);
}

function decimals(x: number): number {
	const text = String(x);
	const dot = text.indexOf('.');
	return dot < 0 ? 0 : Math.min(text.length - dot - 1, 15);
}

export function sampleUniform(spec: ParamSpec, rng: () => number): ParamValue {
	if (spec.type === 'categorical') return spec.choices[Math.min(spec.choices.length - 1, Math.floor(rng() * spec.choices.length))];
	const [lo, hi] = internalBounds(spec);
	return fromInternal(spec, lo + rng() * (hi - lo));
}

export function sampleConfig(space: SearchSpace, rng: () => number): Config {
	const config: Config = {};
	for (const name of Object.keys(space)) config[name] = sampleUniform(space[name], rng);
	return config;
}

/** Values a grid uses for one parameter. */
export function gridValues(spec: ParamSpec, points: number): ParamValue[] {
	if (spec.type === 'categorical') return [...spec.choices];
	if (spec.type === 'int' && !spec.log) {
		const step = spec.step ?? 1;
		const count = Math.floor((spec.high - spec.low) / step) + 1;
		if (count <= points) return Array.from({ length: count }, (_, i) => spec.low + i * step);
	}
	if (spec.low === spec.high) return [spec.low];
	const lo = spec.log ? Math.log(spec.low) : spec.low;
	const hi = spec.log ? Math.log(spec.high) : spec.high;
	const values = Array.from({ length: points }, (_, i) => {
		const x = i === points - 1 ? hi : lo + ((hi - lo) * i) / (points - 1);
		const v = fromInternal(spec, x);
		// exp(ln 0.1) is 0.10000000000000002: six significant digits are what a person typed
		return spec.type === 'float' && spec.step === undefined ? Math.min(Math.max(Number(v.toPrecision(6)), spec.low), spec.high) : v;
	});
	return [...new Set(values)];
}
