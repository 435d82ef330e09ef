import type { ClassScore, OutputTensor, OutputView } from './types';

export interface ViewOptions {
	/** Batch items shown in the table (default 100). */
	rowLimit?: number;
	/** Values shown per item (default 32). */
	columnLimit?: number;
	/** Classes listed per item (default 5). */
	k?: number;
	/** Items given top classes (default 10). */
	topItems?: number;
	/** Batch size fed, so a [N] output reads as one value per item. */
	batch?: number;
}

/**
 * Items and values per item: the first axis is the batch when there are two or more, and a
 * single axis as long as the batch (labels) holds one value per item.
 */
export function itemsOf(dims: number[], length: number, batch = 1): { items: number; width: number } {
	if (dims.length === 1 && batch > 1 && dims[0] === batch) return { items: batch, width: 1 };
	if (dims.length < 2) return { items: 1, width: length };
	const items = dims[0];
	return { items, width: items > 0 ? length / items : 0 };
}

/**
 * Whether an output reads as class scores: float, one row of two or more values per item, and
 * either every row a probability distribution, or logits by name (an output called logits,
 * scores or classes). Anything else is shown as plain numbers.
 */
export function scoreKind(output: OutputTensor, batch = 1): 'probabilities' | 'logits' | null {
	if (!output.type.startsWith('float') || output.texts) return null;
	const rank = output.dims.length;
	if (rank < 1 || rank > 2) return null;
	const { items, width } = itemsOf(output.dims, output.values.length, batch);
	if (width < 2 || items < 1) return null;
	let distribution = true;
	for (let r = 0; r < items && distribution; r++) {
		let sum = 0;
		for (let c = 0; c < width; c++) {
			const v = output.values[r * width + c];
			if (!(v >= 0 && v <= 1)) distribution = false;
			sum += v;
		}
		if (Math.abs(sum - 1) > 1e-3) distribution = false;
	}
	if (distribution) return 'probabilities';
	return /logit|score|class/i.test(output.name) && output.values.every(Number.isFinite) ? 'logits' : null;
}

/** The k best classes of one row; `probability` is the softmax of logits, the score itself otherwise. */
export function topClasses(row: ArrayLike<number>, k: number, kind: 'probabilities' | 'logits'): ClassScore[] {
	const scores = Array.from(row);
	let probabilities = scores;
	if (kind === 'logits') {
		const max = Math.max(...scores);
		const exps = scores.map((s) => Math.exp(s - max));
		const total = exps.reduce((a, b) => a + b, 0);
		probabilities = exps.map((e) => e / total);
	}
	return scores
		.map((score, index) => ({ index, score, probability: probabilities[index] }))
		.sort((a, b) => b.score - a.score || a.index - b.index)
		.slice(0, k);
}

/** One output as a table (one row per batch item) and, when it looks like class scores, top classes. */
export function viewOutput(output: OutputTensor, options: ViewOptions = {}): OutputView {
	const { rowLimit = 100, columnLimit = 32, k = 5, topItems = 10, batch = 1 } = options;
	const cells: ArrayLike<number | string> = output.texts ?? output.values;
	const { items, width } = itemsOf(output.dims, cells.length, batch);
	const rows: (number | string)[][] = [];
	for (let r = 0; r < Math.min(items, rowLimit); r++) rows.push(Array.from({ length: Math.min(width, columnLimit) }, (_, c) => cells[r * width + c]));
	const view: OutputView = { name: output.name, dims: output.dims, rows, truncated: items > rowLimit || width > columnLimit };
	const kind = scoreKind(output, batch);
	if (kind) {
		view.scoreKind = kind;
		view.topK = [];
		for (let r = 0; r < Math.min(items, topItems); r++) view.topK.push(topClasses(output.values.subarray(r * width, (r + 1) * width), Math.min(k, width), kind));
	}
	return view;
}

/** Runtime tensor data (typed arrays, int64 as BigInt) as numbers. */
export function toNumbers(data: ArrayLike<number | bigint | boolean>): Float64Array {
	const out = new Float64Array(data.length);
	for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
	return out;
}
