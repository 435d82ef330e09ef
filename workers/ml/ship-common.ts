import { clearVariants, saveTradeoff, saveVariant, type RunRecord } from '$lib/db';
import type { CompressRequest, OnnxCheck, OnnxExportResult, ShipProgress, TradeoffTable, VariantRow } from '../protocol';
import { graphSignature } from '../lib/ship';
import { deflatedSize } from '../lib/ship/measure';
import { decodeModel } from '../lib/ship/onnx-builder';
import type { OrtRuntime } from '../lib/ship/types';

/**
 * What every exported ONNX file reports, whatever the run kind: sizes, the check, and the graph's
 * own input and output names. `file` is the .onnx itself or the zip carrying it with a sidecar.
 */
export function onnxExportResult(
	file: Uint8Array,
	onnx: Uint8Array,
	variantId: string,
	check: OnnxCheck,
	extra: Pick<OnnxExportResult, 'sidecar' | 'imageSidecar'> = {}
): OnnxExportResult {
	const signature = graphSignature(decodeModel(onnx));
	return {
		file: new Blob([file.slice().buffer as ArrayBuffer], { type: file === onnx ? 'application/octet-stream' : 'application/zip' }),
		bytes: file.length,
		deflatedBytes: deflatedSize(file),
		variantId,
		check,
		inputs: signature.inputs.map((i) => i.name),
		outputs: signature.outputs.map((o) => o.name),
		...extra
	};
}

/**
 * A compression run's storage, shared by tabular, image and text runs: the previous table is
 * forgotten first, each variant is stored as soon as it is measured, and the table is stored with
 * the variants the model's layers did not allow.
 */
export async function compressionStore(run: RunRecord, started: number, ort: OrtRuntime, backendName: string, onProgress?: (progress: ShipProgress) => void) {
	await clearVariants(run);
	const skipped: { label: string; reason: string }[] = [];
	return {
		options: {
			ort,
			ortBackend: 'wasm',
			onProgress: (fraction: number, label: string) => onProgress?.({ fraction, label: `${label} (tfjs on ${backendName})` }),
			onVariant: (variant: Parameters<typeof saveVariant>[1], row: VariantRow) => saveVariant(run, variant, row),
			onSkip: (label: string, reason: string) => skipped.push({ label, reason })
		},
		async finish(holdoutRows: number, settings: CompressRequest, rows: VariantRow[]): Promise<TradeoffTable> {
			const result: TradeoffTable = { runId: run.id, createdAt: Date.now(), holdoutRows, settings, rows, durationMs: performance.now() - started, ...(skipped.length ? { skipped } : {}) };
			await saveTradeoff(run, result);
			return result;
		}
	};
}
