import type { PredictRuntime, RuntimePick } from '$workers/protocol';
import type { ModelRecord, RunRecord } from '$lib/db';
import { classicOnnx } from '../ship/export-format';

export interface RuntimeChoice {
	value: string;
	label: string;
}

/**
 * What the "Run with" menu offers: the measured pick first, then each runtime by hand — tfjs
 * (Kiln's own code for a classic model), the plain forward once measured possible, the raw-row
 * ONNX export (built-in encoding and a family ONNX holds) and its compressed variants.
 */
export function runtimeChoices(run: Pick<RunRecord, 'config'>, model: Pick<ModelRecord, 'preprocessing'>, variants: { id: string; label: string }[], plainJs: boolean): RuntimeChoice[] {
	const classic = run.config.classic;
	const onnx = !!model.preprocessing && (!classic || classicOnnx(classic.family));
	if (classic && !onnx) return [];
	return [
		{ value: 'auto', label: 'Fastest for this model (measured)' },
		{ value: 'tfjs', label: classic ? 'Kiln (the model as trained)' : 'TensorFlow.js (the model as trained)' },
		...(plainJs && !classic ? [{ value: 'js', label: 'Plain JavaScript (the same weights, no tensors)' }] : []),
		...(onnx ? [{ value: 'onnx:float32', label: 'ONNX Runtime Web (the ONNX export)' }] : []),
		...(onnx && !classic ? variants.map((v) => ({ value: `onnx:${v.id}`, label: `ONNX Runtime Web — ${v.label}` })) : [])
	];
}

/** How Predict names the runtimes; a classic model's own runtime is Kiln's code, not tfjs. */
export function runtimeName(runtime: PredictRuntime, classic: boolean): string {
	if (runtime === 'tfjs') return classic ? 'Kiln' : 'TensorFlow.js';
	return runtime === 'js' ? 'plain JavaScript' : 'ONNX Runtime Web';
}

export function formatLatency(ms: number): string {
	return ms < 1 ? `${ms.toFixed(3)} ms` : `${ms.toFixed(2)} ms`;
}

/**
 * The line under the form saying which runtime predicts and why, e.g. "ONNX Runtime Web:
 * 0.080 ms against TensorFlow.js (wasm) 0.310 ms, measured 26 Nov 2026, 16:52 — …".
 */
export function pickSentence(pick: RuntimePick, classic: boolean, formatDate: (at: number) => string): string {
	const [fastest, ...others] = pick.timings;
	const name = (t: RuntimePick['timings'][number]) => `${runtimeName(t.runtime, classic)}${t.runtime === 'onnx' || classic ? '' : ` (${t.backend})`}`;
	const against = others.map((t) => `${name(t)} ${formatLatency(t.ms)}`).join(', ');
	const how =
		pick.source === 'tradeoff'
			? `the compression table's batch-1 latencies (the model alone on an encoded row${pick.repeats > 0 ? '; plain JavaScript timed the same way' : ''})`
			: `one form row, raw values to label in the prediction worker, median of ${pick.repeats} runs each`;
	return `${name(fastest)}: ${formatLatency(fastest.ms)} against ${against}, measured ${formatDate(pick.measuredAt)} from ${how}.`;
}
