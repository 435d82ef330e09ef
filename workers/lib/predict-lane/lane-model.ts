import type { InputColumn, PredictResult } from '$workers/protocol';
import { FormRowReader } from '../predict-runtime/form-row';
import { forwardFromSpec, type PlainForwardSpec } from '../predict-runtime/plain-forward';
import { decodeOutputs, encodeForModel, type ModelEncoding } from '../predict-encode';

/**
 * What the prediction lane worker is fed once per model: the plain-JS forward's weights and the
 * model's reading and encoding of a form row — all it needs to turn cells into a result with
 * no tfjs, IndexedDB or importer. Structured-cloneable (the weights are Float64Arrays).
 */
export interface LanePackage {
	modelId: string;
	inputs: InputColumn[];
	missing?: string[];
	encoding: ModelEncoding;
	forward: PlainForwardSpec;
}

export interface LaneModel {
	modelId: string;
	/** The cells the page writes, in this order. */
	columns: string[];
	/**
	 * One row's cells → the same result the prediction worker's plain-JS runtime gives, or null
	 * when the row needs the importer's full reading (dates, yes/no, a cell that does not parse):
	 * the message lane then reads it and words any error. Throws the KilnErrors encoding raises.
	 */
	predict(cells: readonly string[]): PredictResult | null;
}

export function laneModel(pkg: LanePackage): LaneModel {
	const reader = new FormRowReader(pkg.inputs, pkg.missing);
	const forward = forwardFromSpec(pkg.forward);
	const columns = pkg.inputs.map((i) => i.name);
	return {
		modelId: pkg.modelId,
		columns,
		predict(cells) {
			const row: Record<string, string> = {};
			for (let i = 0; i < columns.length; i++) row[columns[i]] = cells[i] ?? '';
			const table = reader.read(row);
			if (!table) return null;
			const { x, target, warnings } = encodeForModel(pkg.encoding, table);
			// float32 outputs as the prediction worker's runtime gives them (its Float32Array.from, the same rounding).
			return decodeOutputs(new Float32Array(forward.run(x)), target, warnings);
		}
	};
}
