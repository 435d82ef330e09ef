import type { SampleOptions } from './sample';
import type { SliceReader } from './source';
import type { CsvPlan, ImportOptions } from './types';

/**
 * Reusing a preview's CSV column plan (see CsvPlan). The preview parsed the file's first rows
 * and inferred their types; the import of the same file would read the same rows and infer the
 * same types, so it takes the plan — only when everything inference depends on is provably the
 * same: the choices, the delimiter and encoding found, and the text itself (length and hash).
 */

/** Two 32-bit hashes (FNV-1a and a multiplicative one) over a byte stream, fed slice by slice. */
export class TextHash {
	private a = 0x811c9dc5;
	private b = 0x9e3779b9;
	bytes = 0;

	add(slice: Uint8Array): void {
		let a = this.a;
		let b = this.b;
		for (let i = 0; i < slice.length; i++) {
			const x = slice[i];
			a = Math.imul(a ^ x, 0x01000193);
			b = Math.imul(b + x + 1, 0x85ebca6b) ^ (b >>> 13);
		}
		this.a = a;
		this.b = b;
		this.bytes += slice.length;
	}

	get digest(): string {
		return `${(this.a >>> 0).toString(16)}-${(this.b >>> 0).toString(16)}-${this.bytes}`;
	}
}

/** Everything type inference depends on besides the rows themselves. */
export function planKey(options: ImportOptions, sample: SampleOptions, delimiter: string, encoding: string): string {
	const types = Object.entries(options.types ?? {}).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
	return JSON.stringify([
		delimiter,
		encoding,
		options.header ?? null,
		[...sample.missing.tokens].sort(),
		types,
		sample.dateOrder ?? null,
		sample.numberFormat ?? null,
		sample.inferTypes,
		options.sampleRows ?? null
	]);
}

/**
 * Whether the text starts with exactly what the plan was made from (for a plan made at the end
 * of its text, the text must also end there). Peeks at most the plan's text plus one byte.
 */
export async function textMatches(text: SliceReader, plan: CsvPlan): Promise<boolean> {
	const { head, complete } = await text.peek(plan.textBytes + 1);
	if (head.length < plan.textBytes) return false;
	if (plan.atEnd && !(complete && head.length === plan.textBytes)) return false;
	const hash = new TextHash();
	hash.add(head.subarray(0, plan.textBytes));
	return hash.digest === plan.textHash;
}
