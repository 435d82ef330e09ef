export type Pack = (src: number, stride: number, dst: number, rows: number) => void;
export type Row = (a: number, ars: number, aks: number, b: number, bstep: number, bks: number, c: number, ldc: number, k: number, init: number, bias: number, relu: number, panels: number) => void;
export type Tile = (a: number, ars: number, aks: number, b: number, bks: number, c: number, ldc: number, k: number, init: number, bias: number, relu: number, mask?: number) => void;

/** The GEMM module's functions the pass loop calls, by tile height (index 0 unused), and the tile's shape. */
export interface PassTiles {
	pack: Pack;
	strided: (Tile | null)[];
	contiguous: (Tile | null)[];
	stridedMasked: (Tile | null)[];
	contiguousMasked: (Tile | null)[];
	rowStrided: (Row | null)[];
	rowContiguous: (Row | null)[];
	/** Rows per tile. */
	mr: number;
	/** Columns per panel. */
	width: number;
}

/** A product as the pass loop reads it: addresses and strides in bytes, relu and packed 0 or 1, bias and mask -1 for none. */
export interface PassJob {
	a: number;
	ars: number;
	aks: number;
	b: number;
	c: number;
	ldc: number;
	m: number;
	k: number;
	/** Terms of k per pass. */
	per: number;
	bias: number;
	relu: number;
	scratch: number;
	mask: number;
	/** 1: each pass packs its panels of B into scratch; 0: B is read in place. */
	packed: number;
}

/**
 * Every pass over k for the full-width column panels p0..p1 of a product: pack the pass's panels
 * of B (when packed), then take each block of mr rows of A across them (a row function over the
 * panels, or masked tiles one panel at a time on the last pass of a masked product). Both GEMM
 * threads run this very function: gemm-thread.ts embeds its source in the helper's code, so it
 * uses nothing but its arguments and Math. Each value of C comes from the same tiles over the same
 * passes whichever thread or split runs its panel, so the bits never depend on the split.
 */
export function panelPasses(t: PassTiles, j: PassJob, p0: number, p1: number): void {
	const contiguous = j.ars === 4;
	const rowFns = contiguous ? t.rowContiguous : t.rowStrided;
	for (let k0 = 0; k0 < j.k; k0 += j.per) {
		const terms = Math.min(j.per, j.k - k0);
		const last = k0 + terms >= j.k ? 1 : 0;
		const init = k0 > 0 ? 1 : j.bias >= 0 ? 2 : 0;
		const aStart = j.a + k0 * j.aks;
		const bStart = j.b + k0 * j.ldc;
		const relu = j.relu ? last : 0;
		const masked = last === 1 && j.mask >= 0;
		const wide = masked ? (contiguous ? t.contiguousMasked : t.stridedMasked) : contiguous ? t.contiguous : t.strided;
		const step = j.packed ? 4 * terms * t.width : 4 * t.width;
		const bks = j.packed ? 4 * t.width : j.ldc;
		if (j.packed) for (let p = p0; p < p1; p++) t.pack(bStart + 4 * t.width * p, j.ldc, j.scratch + p * step, terms);
		const first = (j.packed ? j.scratch : bStart) + p0 * step;
		for (let i = 0; i < j.m; i += t.mr) {
			const rows = Math.min(t.mr, j.m - i);
			const aRow = aStart + i * j.ars;
			const cRow = j.c + i * j.ldc;
			// A tile takes no mask argument (one more parameter slows its k loop); masked tiles do.
			if (masked) {
				const tile = wide[rows]!;
				for (let p = p0; p < p1; p++) tile(aRow, j.ars, j.aks, first + (p - p0) * step, bks, cRow + 4 * t.width * p, j.ldc, terms, init, j.bias + 4 * t.width * p, relu, j.mask + i * j.ldc + 4 * t.width * p);
			} else if (p1 > p0) rowFns[rows]!(aRow, j.ars, j.aks, first, step, bks, cRow + 4 * t.width * p0, j.ldc, terms, init, j.bias + 4 * t.width * p0, relu, p1 - p0);
		}
	}
}
