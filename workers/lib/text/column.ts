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
	const values = column.categories;
	if (column.kind !== 'categorical' || !values || values.length < MIN_DISTINCT) return false;
	if (values.length < MIN_DISTINCT_SHARE * Math.min(rowCount, 5000) && values.length < 1000) return false;
	// A sample is enough to tell sentences from labels, and keeps this cheap for 100k texts.
	const step = Math.max(1, Math.floor(values.length / 500));
	let words = 0;
	let lower = 0;
	let seen = 0;
	for (let i = 0; i < values.length; i += step) {
		const split = values[i].trim().split(/\s+/u).filter(Boolean);
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
		const values = c.categories ?? [];
		const step = Math.max(1, Math.floor(values.length / 500));
		let sum = 0;
		let seen = 0;
		for (let i = 0; i < values.length; i += step, seen++) sum += values[i].length;
		return sum / Math.max(1, seen);
	};
	return columns
		.filter((c) => c.name !== except && isTextColumn(c, rowCount))
		.sort((a, b) => meanLength(b) - meanLength(a))
		.map((c) => c.name);
}
