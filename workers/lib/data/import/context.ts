import type { MissingTokens } from './cells';
import type { Emitter } from './emit';
import type { TextReader } from './encoding';
import type { SampleOptions } from './sample';
import type { FormatInfo, ImportLimits, ImportOptions, SchemaColumn } from './types';
import type { WarningLog } from './warnings';

/** What every format's reader shares during one import. */
export interface ImportContext {
	/** The name used in messages: the inner file for .gz/.zip. */
	fileName: string;
	options: ImportOptions;
	limits: ImportLimits;
	missing: MissingTokens;
	warnings: WarningLog;
	emitter: Emitter;
	/** The file's encoding, for dictionaries. */
	reader: TextReader;
	/** Bytes → text in the file's encoding (for names, sample cells, messages). */
	decode: (bytes: Uint8Array) => string;
	/** Compression, inner name and encoding found so far; each reader completes it. */
	format: FormatInfo;
	sampleOptions: SampleOptions;
	/** Set once the reader has planned the columns. */
	columns: SchemaColumn[];
}
