/** Columnar tables as they cross between page, workers and IndexedDB. */

/** Numbers as float64; NaN marks a missing cell. */
export interface NumericColumn {
	name: string;
	kind: 'numeric';
	values: Float64Array;
}
/** Dictionary-encoded strings; code -1 marks a missing cell. */
export interface CategoricalColumn {
	name: string;
	kind: 'categorical';
	categories: string[];
	codes: Int32Array;
}
export type Column = NumericColumn | CategoricalColumn;
export type ColumnKind = Column['kind'];

export interface Table {
	rowCount: number;
	columns: Column[];
}

export interface ColumnProfile {
	name: string;
	kind: ColumnKind;
	missing: number;
	distinct: number;
	min?: number;
	max?: number;
	mean?: number;
	top?: { value: string; count: number }[];
}

export interface ParsedCsv {
	fileName: string;
	table: Table;
	profile: ColumnProfile[];
	/** Delimiter papaparse detected, shown so a person can tell a mis-split file. */
	delimiter: string;
	/** The file's column names in the file's order. */
	header: string[];
}

/** What a prediction file must contain: the model's feature columns and their kinds. */
export interface ExpectedColumn {
	name: string;
	kind: ColumnKind;
}

