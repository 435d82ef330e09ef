/**
 * Compressed sparse rows: a text's TF-IDF row has tens of non-zeros out of thousands of terms,
 * so bag-of-words models keep only those (row i's entries are indices/values[indptr[i]..indptr[i+1]]).
 */
export interface Csr {
	rows: number;
	cols: number;
	indptr: Int32Array;
	indices: Int32Array;
	values: Float32Array;
}

/** Builds a CSR matrix row by row; each row's entries are sorted by column. */
export class CsrBuilder {
	#indptr: number[] = [0];
	#indices: number[] = [];
	#values: number[] = [];

	constructor(readonly cols: number) {}

	/** Adds one row from a column → value map. */
	row(entries: Map<number, number>): void {
		const sorted = [...entries].sort((a, b) => a[0] - b[0]);
		for (const [c, v] of sorted) {
			if (v === 0) continue;
			this.#indices.push(c);
			this.#values.push(v);
		}
		this.#indptr.push(this.#indices.length);
	}

	build(): Csr {
		return { rows: this.#indptr.length - 1, cols: this.cols, indptr: Int32Array.from(this.#indptr), indices: Int32Array.from(this.#indices), values: Float32Array.from(this.#values) };
	}
}

/** The rows `rows` of `m`, in that order. */
export function selectRows(m: Csr, rows: ArrayLike<number>): Csr {
	let nnz = 0;
	for (let i = 0; i < rows.length; i++) nnz += m.indptr[rows[i] + 1] - m.indptr[rows[i]];
	const indptr = new Int32Array(rows.length + 1);
	const indices = new Int32Array(nnz);
	const values = new Float32Array(nnz);
	let at = 0;
	for (let i = 0; i < rows.length; i++) {
		const start = m.indptr[rows[i]];
		const end = m.indptr[rows[i] + 1];
		indices.set(m.indices.subarray(start, end), at);
		values.set(m.values.subarray(start, end), at);
		at += end - start;
		indptr[i + 1] = at;
	}
	return { rows: rows.length, cols: m.cols, indptr, indices, values };
}

/** out[i·k + j] = Σ_c m[i, c] · w[c·k + j] + bias[j]: the logits of a linear model with k outputs. */
export function sparseTimesDense(m: Csr, w: ArrayLike<number>, k: number, bias: ArrayLike<number>, out: Float64Array): void {
	for (let i = 0; i < m.rows; i++) {
		for (let j = 0; j < k; j++) out[i * k + j] = bias[j];
		for (let p = m.indptr[i]; p < m.indptr[i + 1]; p++) {
			const v = m.values[p];
			const base = m.indices[p] * k;
			for (let j = 0; j < k; j++) out[i * k + j] += v * w[base + j];
		}
	}
}

/** Writes the rows of `m` into a zero-filled dense row-major block (`stride` wide, from `offset`). */
export function toDense(m: Csr, out: Float32Array, stride = m.cols, offset = 0): void {
	for (let i = 0; i < m.rows; i++) {
		for (let p = m.indptr[i]; p < m.indptr[i + 1]; p++) out[i * stride + offset + m.indices[p]] = m.values[p];
	}
}
