export { importTable } from './import';
export { importToTable } from './collect';
export { fromBlob, fromBytes, streamBlob, SLICE_BYTES } from './source';
export { PackedStrings, type Dictionary } from './packed';
export { CHUNK_ROWS, DEFAULT_LIMITS, DEFAULT_MISSING, chunkRowsFor, physicalOf } from './types';
export type {
	CsvPlan,
	DateOrder,
	FileFormat,
	FormatInfo,
	ImportChunk,
	ImportEnd,
	ImportLimits,
	ImportOptions,
	ImportProgress,
	ImportSink,
	ImportSource,
	ImportWarning,
	ImportWarningKind,
	PhysicalKind,
	SchemaColumn,
	SemanticType
} from './types';
