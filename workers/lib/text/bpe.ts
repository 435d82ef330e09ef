/**
 * Byte-pair encoding (Sennrich et al., 2016) trained on the person's texts. Text is cut into
 * pieces (a word, a number or a run of punctuation, with the space before it written as ▁, the
 * way SentencePiece does), each piece starts as its characters, and the most frequent adjacent
 * pair is merged until the vocabulary is full. Ties go to the pair whose left (then right)
 * symbol comes first in code-unit order, so training is deterministic.
 */

/** Marks "a space stood here" inside a piece (U+2581, as SentencePiece). */
export const SPACE = '\u2581';
/** Pieces longer than this are cut, so a run of unspaced script costs linear time. */
const MAX_PIECE = 64;
const PIECE = / ?[\p{L}\p{M}]+| ?\p{N}+| ?[^\s\p{L}\p{M}\p{N}]+/gu;

/** Whitespace runs → one space, a space in front (the piece before the first word gets ▁ too), ▁ in the input → space. */
export function bpeSurface(text: string): string {
	const collapsed = text.replace(/\u2581/g, ' ').replace(/\s+/gu, ' ').trim();
	return collapsed === '' ? '' : ` ${collapsed}`;
}

/** Pieces of a surface string; their concatenation is the surface string. */
export function bpePieces(surface: string): string[] {
	const out: string[] = [];
	for (const match of surface.matchAll(PIECE)) {
		const chars = Array.from(match[0].replace(' ', SPACE));
		for (let i = 0; i < chars.length; i += MAX_PIECE) out.push(chars.slice(i, i + MAX_PIECE).join(''));
	}
	return out;
}

export interface BpeTrainResult {
	/** Characters kept as base symbols, most frequent first. */
	alphabet: string[];
	merges: [string, string][];
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const pairKey = (a: number, b: number) => a * 0x100000 + b;

/** A binary heap over [count, left, right] with lazy deletion. */
class PairHeap {
	readonly items: [number, number, number][] = [];
	constructor(private readonly names: string[]) {}

	private before(x: [number, number, number], y: [number, number, number]): boolean {
		if (x[0] !== y[0]) return x[0] > y[0];
		const left = byCodeUnits(this.names[x[1]], this.names[y[1]]);
		return left !== 0 ? left < 0 : byCodeUnits(this.names[x[2]], this.names[y[2]]) < 0;
	}

	push(item: [number, number, number]): void {
		const a = this.items;
		a.push(item);
		let i = a.length - 1;
		while (i > 0) {
			const p = (i - 1) >> 1;
			if (!this.before(a[i], a[p])) break;
			[a[i], a[p]] = [a[p], a[i]];
			i = p;
		}
	}

	pop(): [number, number, number] | undefined {
		const a = this.items;
		if (a.length === 0) return undefined;
		const top = a[0];
		const last = a.pop()!;
		if (a.length > 0) {
			a[0] = last;
			let i = 0;
			for (;;) {
				const l = 2 * i + 1;
				const r = l + 1;
				let m = i;
				if (l < a.length && this.before(a[l], a[m])) m = l;
				if (r < a.length && this.before(a[r], a[m])) m = r;
				if (m === i) break;
				[a[i], a[m]] = [a[m], a[i]];
				i = m;
			}
		}
		return top;
	}
}

/**
 * Learns merges from piece counts. `symbolBudget` is how many symbols (base characters plus
 * merged ones) the vocabulary has room for; merging stops earlier when no pair occurs
 * `minFrequency` times.
 */
export function trainBpe(pieceCounts: Map<string, number>, symbolBudget: number, minFrequency: number, shouldStop: () => boolean = () => false): BpeTrainResult {
	const charCounts = new Map<string, number>();
	for (const [piece, n] of pieceCounts) for (const ch of piece) charCounts.set(ch, (charCounts.get(ch) ?? 0) + n);
	const alphabet = [...charCounts].sort((a, b) => b[1] - a[1] || byCodeUnits(a[0], b[0])).slice(0, symbolBudget).map(([c]) => c);
	const names: string[] = [...alphabet];
	const ids = new Map(names.map((s, i) => [s, i]));
	// Pieces holding a character outside the alphabet are split there: no merge crosses it.
	const words: { symbols: number[]; count: number }[] = [];
	for (const [piece, count] of pieceCounts) {
		let run: number[] = [];
		for (const ch of piece) {
			const id = ids.get(ch);
			if (id === undefined) {
				if (run.length > 1) words.push({ symbols: run, count });
				run = [];
			} else run.push(id);
		}
		if (run.length > 1) words.push({ symbols: run, count });
	}
	const counts = new Map<number, number>();
	const where = new Map<number, Set<number>>();
	const heap = new PairHeap(names);
	const touched = new Set<number>();
	const adjust = (w: number, sign: 1 | -1) => {
		const { symbols, count } = words[w];
		for (let i = 0; i + 1 < symbols.length; i++) {
			const key = pairKey(symbols[i], symbols[i + 1]);
			counts.set(key, (counts.get(key) ?? 0) + sign * count);
			touched.add(key);
			if (sign > 0) {
				let set = where.get(key);
				if (!set) where.set(key, (set = new Set()));
				set.add(w);
			}
		}
	};
	const flush = () => {
		for (const key of touched) {
			const n = counts.get(key)!;
			if (n > 0) heap.push([n, Math.floor(key / 0x100000), key % 0x100000]);
		}
		touched.clear();
	};
	for (let w = 0; w < words.length; w++) adjust(w, 1);
	flush();

	const merges: [string, string][] = [];
	while (names.length < symbolBudget && !shouldStop()) {
		const top = heap.pop();
		if (!top) break;
		const [n, a, b] = top;
		const key = pairKey(a, b);
		if (counts.get(key) !== n) continue; // stale entry
		if (n < minFrequency) break;
		const merged = names[a] + names[b];
		let c = ids.get(merged);
		if (c === undefined) {
			c = names.length;
			names.push(merged);
			ids.set(merged, c);
		}
		merges.push([names[a], names[b]]);
		for (const w of where.get(key) ?? []) {
			const old = words[w].symbols;
			let found = false;
			for (let i = 0; i + 1 < old.length; i++) if (old[i] === a && old[i + 1] === b) found = true;
			if (!found) continue;
			adjust(w, -1);
			const next: number[] = [];
			for (let i = 0; i < old.length; i++) {
				if (i + 1 < old.length && old[i] === a && old[i + 1] === b) {
					next.push(c);
					i++;
				} else next.push(old[i]);
			}
			words[w].symbols = next;
			adjust(w, 1);
		}
		where.delete(key);
		counts.delete(key);
		touched.delete(key);
		flush();
	}
	return { alphabet, merges };
}

/** Applies learned merges to one piece, lowest-ranked pair first (as GPT-2 and SentencePiece do). */
export class BpeEncoder {
	readonly #ranks = new Map<string, Map<string, number>>();
	readonly #cache = new Map<string, string[]>();

	constructor(merges: readonly (readonly [string, string])[]) {
		merges.forEach(([left, right], rank) => {
			let inner = this.#ranks.get(left);
			if (!inner) this.#ranks.set(left, (inner = new Map()));
			if (!inner.has(right)) inner.set(right, rank);
		});
	}

	symbols(piece: string): string[] {
		const cached = this.#cache.get(piece);
		if (cached) return cached;
		const parts = Array.from(piece);
		for (;;) {
			let best = Infinity;
			let at = -1;
			for (let i = 0; i + 1 < parts.length; i++) {
				const rank = this.#ranks.get(parts[i])?.get(parts[i + 1]);
				if (rank !== undefined && rank < best) {
					best = rank;
					at = i;
				}
			}
			if (at < 0) break;
			const left = parts[at];
			const right = parts[at + 1];
			// Merge every occurrence of this pair, left to right, as training did.
			const next: string[] = [];
			for (let i = 0; i < parts.length; i++) {
				if (i + 1 < parts.length && parts[i] === left && parts[i + 1] === right) {
					next.push(left + right);
					i++;
				} else next.push(parts[i]);
			}
			parts.splice(0, parts.length, ...next);
		}
		if (this.#cache.size > 50_000) this.#cache.clear();
		this.#cache.set(piece, parts);
		return parts;
	}
}

export const byteToken = (b: number) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
export const BYTE_TOKENS = Array.from({ length: 256 }, (_, b) => byteToken(b));
const BYTE = /^<0x([0-9A-F]{2})>$/;

export function byteOf(token: string): number | null {
	const m = BYTE.exec(token);
	return m ? parseInt(m[1], 16) : null;
}
