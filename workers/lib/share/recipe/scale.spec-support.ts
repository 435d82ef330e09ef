// Node-only helper for the scale script.
import type { Table } from '$workers/protocol';

export function sliceRows(table: Table, rows: Int32Array): Table {
	return {
		rowCount: rows.length,
		columns: table.columns.map((c) => (c.kind === 'numeric' ? { ...c, values: Float64Array.from(rows, (r) => c.values[r]) } : { ...c, codes: Int32Array.from(rows, (r) => c.codes[r]) }))
	};
}
