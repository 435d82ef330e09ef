import type { ForestPart } from '$workers/lib/models/forest';

/**
 * Trees [from, to) of a forest run, fitted by one pool worker for every fit the run makes (one per
 * fold of a k-fold split, then the final model), in that order. Each tree depends only on the
 * rows and its own seed from the forest's seed stream, so shares fitted in any number of workers
 * join into exactly the forest one worker fits. (Kept apart from the fitting code: the page
 * imports this file.)
 */
export interface ForestShare {
	from: number;
	to: number;
	fits: ForestPart[];
}

/** Contiguous tree ranges, one per worker, sizes differing by at most one. */
export function treeShares(nTrees: number, workers: number): { from: number; to: number }[] {
	const k = Math.max(1, Math.min(Math.floor(workers), nTrees));
	return Array.from({ length: k }, (_, i) => ({ from: Math.floor((i * nTrees) / k), to: Math.floor(((i + 1) * nTrees) / k) }));
}

/** The shares' array buffers, each once, to transfer rather than copy between page and workers. */
export function shareBuffers(shares: ForestShare[]): ArrayBuffer[] {
	const buffers = new Set<ArrayBufferLike>();
	for (const share of shares) {
		for (const part of share.fits) {
			for (const t of part.trees) for (const a of [t.feature, t.threshold, t.missingLeft, t.left, t.right, t.value]) buffers.add(a.buffer);
			for (const g of part.treeGains) buffers.add(g.buffer);
			if (part.oob) buffers.add(part.oob.sum.buffer).add(part.oob.count.buffer);
		}
	}
	return [...buffers].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}
