/** Axis scales and tick marks for the small SVG plots (pure, so they are unit-tested). */

export interface Axis {
	min: number;
	max: number;
	log?: boolean;
	/** Counts (jobs, epochs): ticks only at whole numbers. */
	integer?: boolean;
}

/** The extent of some values with a little padding; a constant range is widened so it can be drawn. */
export function extent(values: Iterable<number>, pad = 0.04): Axis {
	let min = Infinity;
	let max = -Infinity;
	for (const v of values) {
		if (!Number.isFinite(v)) continue;
		if (v < min) min = v;
		if (v > max) max = v;
	}
	if (min === Infinity) return { min: 0, max: 1 };
	if (min === max) {
		const d = Math.abs(min) * 0.1 || 0.5;
		return { min: min - d, max: max + d };
	}
	const d = (max - min) * pad;
	return { min: min - d, max: max + d };
}

/** Map a value on the axis to [0, 1] (log axes in log10 space). */
export function position(axis: Axis, value: number): number {
	if (axis.log) {
		const lo = Math.log10(axis.min);
		const hi = Math.log10(axis.max);
		return hi === lo ? 0.5 : (Math.log10(value) - lo) / (hi - lo);
	}
	return axis.max === axis.min ? 0.5 : (value - axis.min) / (axis.max - axis.min);
}

/** About `count` round tick values inside the axis (1, 2 or 5 × a power of ten apart; decades on log axes). */
export function ticks(axis: Axis, count = 5): number[] {
	if (axis.log) {
		const out: number[] = [];
		for (let e = Math.ceil(Math.log10(axis.min) - 1e-9); e <= Math.floor(Math.log10(axis.max) + 1e-9); e++) out.push(Number(`1e${e}`));
		if (out.length >= 2) return out;
		return [axis.min, axis.max];
	}
	const span = axis.max - axis.min;
	if (!(span > 0)) return [axis.min];
	const raw = span / Math.max(1, count);
	const power = 10 ** Math.floor(Math.log10(raw));
	const round = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
	const step = axis.integer ? Math.max(1, round) : round;
	const out: number[] = [];
	for (let v = Math.ceil(axis.min / step - 1e-9) * step; v <= axis.max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)) || 0);
	return out;
}

/** A tick label: short, without float noise. */
export function tickLabel(value: number): string {
	const abs = Math.abs(value);
	if (abs !== 0 && (abs >= 1e5 || abs < 1e-3)) return value.toExponential(0);
	return String(Number(value.toPrecision(4)));
}
