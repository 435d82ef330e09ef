/**
 * A large dictionary as one string, its values joined by NUL, decoded in one call from the
 * importer's byte arena. A million-value ID column kept as a million JS strings cost tens of MB
 * at the end of an import (and a join to store them); this is the form IndexedDB stores anyway
 * (`packedCategories`, src/lib/db/dictionaries.ts). Values are cut out only when read.
 */
export const SEPARATOR = '\u0000';

export class PackedStrings {
	private offsets: Int32Array | null = null;

	constructor(
		readonly packed: string,
		readonly length: number
	) {}

	/** Where each value starts in `packed` (value i is [starts[i], starts[i + 1] - 1)). */
	private starts(): Int32Array {
		if (this.offsets) return this.offsets;
		const starts = new Int32Array(this.length + 1);
		let at = 0;
		for (let i = 0; i < this.length; i++) {
			starts[i] = at;
			const next = this.packed.indexOf(SEPARATOR, at);
			at = next < 0 ? this.packed.length + 1 : next + 1;
		}
		starts[this.length] = this.packed.length + 1;
		return (this.offsets = starts);
	}

	at(code: number): string | undefined {
		if (code < 0 || code >= this.length) return undefined;
		const starts = this.starts();
		return this.packed.slice(starts[code], starts[code + 1] - 1);
	}

	/** The value's length in UTF-16 units, without making its string. */
	lengthOf(code: number): number {
		const starts = this.starts();
		return starts[code + 1] - starts[code] - 1;
	}
}

/** A dictionary as the profile reads it: a plain array, or packed. */
export type Dictionary = readonly string[] | PackedStrings;

export const valueAt = (d: Dictionary, code: number): string => (d instanceof PackedStrings ? d.at(code)! : d[code]);
export const lengthAt = (d: Dictionary, code: number): number => (d instanceof PackedStrings ? d.lengthOf(code) : d[code].length);
