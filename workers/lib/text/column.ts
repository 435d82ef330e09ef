/**
 * Which stored columns hold free text rather than categories. Text arrives from CSV as a
 * dictionary-encoded column like any string column; what tells it apart is that nearly every
 * value is distinct and values are several words long. Pure and DOM-free: the page (to switch
 * its views) and the workers (to refuse a wrong column) decide the same way.
 */

export interface ColumnLike {
	name: string;
	kind: string;
	/** The dictionary of a string column. */
	categories?: readonly string[];
	/** Imported as text (one file per row): text however short or few the values are. */
	text?: boolean;
	/** A big stored dictionary's size and `categorySampleOf` it, read instead of `categories` when present. */
	categoryCount?: number;
	categorySample?: readonly string[];
}

/** Values looked at to tell sentences from labels: a sample is enough, and keeps this cheap for 100k texts. */
const SAMPLE_VALUES = 500;

/** The values the text checks look at: every `step`-th, so about SAMPLE_VALUES of them. */
export function categorySampleOf(values: readonly string[] | { readonly length: number; at(i: number): string | undefined }): string[] {
	const step = Math.max(1, Math.floor(values.length / SAMPLE_VALUES));
	const sample: string[] = [];
	for (let i = 0; i < values.length; i += step) sample.push(values.at(i)!);
	return sample;
}

/** The dictionary's size and sample, without reading a packed dictionary whole when it came stored with both. */
function dictionaryOf(column: ColumnLike): { count: number; sample: readonly string[] } | null {
	if (column.categoryCount !== undefined && column.categorySample) return { count: column.categoryCount, sample: column.categorySample };
	const values = column.categories;
	return values ? { count: values.length, sample: categorySampleOf(values) } : null;
}

/** At least this many distinct values: a 12-level "comment" column is still a category. */
const MIN_DISTINCT = 20;
/** Distinct values per row: free text rarely repeats; categories do. */
const MIN_DISTINCT_SHARE = 0.3;
/** Mean words per distinct value: names and codes are one or two words, sentences more. */
const MIN_MEAN_WORDS = 3;
/** Share of words starting lower-case, which tells sentences from names and titles. */
const MIN_LOWER_SHARE = 0.25;

export function isTextColumn(column: ColumnLike, rowCount: number): boolean {
	if (column.kind === 'categorical' && column.text) return true;
	if (column.kind !== 'categorical') return false;
	const dictionary = dictionaryOf(column);
	if (!dictionary || dictionary.count < MIN_DISTINCT) return false;
	if (dictionary.count < MIN_DISTINCT_SHARE * Math.min(rowCount, 5000) && dictionary.count < 1000) return false;
	let words = 0;
	let lower = 0;
	let seen = 0;
	for (const value of dictionary.sample) {
		const split = value.trim().split(/\s+/u).filter(Boolean);
		words += split.length;
		lower += split.filter((w) => /^\p{Ll}/u.test(w)).length;
		seen++;
	}
	// Names ("Allen, Miss. Elisabeth Walton") are words too, but capitalised ones; prose has lower-case words.
	return words / seen >= MIN_MEAN_WORDS && lower / Math.max(1, words) >= MIN_LOWER_SHARE;
}

/** The text columns of a table other than `except` (the target), longest texts first. */
export function textColumns(columns: readonly ColumnLike[], rowCount: number, except?: string): string[] {
	// Over the same kind of sample as isTextColumn: an ID column's million values need not be summed.
	const meanLength = (c: ColumnLike) => {
		const sample = dictionaryOf(c)?.sample ?? [];
		return sample.reduce((n, v) => n + v.length, 0) / Math.max(1, sample.length);
	};
	return columns
		.filter((c) => c.name !== except && isTextColumn(c, rowCount))
		.sort((a, b) => meanLength(b) - meanLength(a))
		.map((c) => c.name);
}
