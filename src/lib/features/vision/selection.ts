/**
 * Selecting thumbnails of one page: a plain click (or Space / Enter) toggles one image; with
 * Shift, every image from the last one picked to this one is added, as file managers do.
 */
export function selectRange(selected: ReadonlySet<number>, rows: readonly number[], index: number, anchor: number | null): Set<number> {
	const next = new Set(selected);
	if (anchor === null || anchor < 0 || anchor >= rows.length) {
		if (next.has(rows[index])) next.delete(rows[index]);
		else next.add(rows[index]);
		return next;
	}
	const [from, to] = anchor <= index ? [anchor, index] : [index, anchor];
	for (let i = from; i <= to; i++) next.add(rows[i]);
	return next;
}

/** "Images 41–80 of 6,000 in “Sneaker”". */
export function pageLabel(start: number, shown: number, total: number, className: string): string {
	const f = (n: number) => n.toLocaleString('en-US');
	if (total === 0) return `No images in “${className}”`;
	return `Images ${f(start + 1)}–${f(start + shown)} of ${f(total)} in “${className}”`;
}
