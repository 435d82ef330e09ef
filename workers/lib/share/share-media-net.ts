import type { BpeRules, NetworkFront, TextTransformerFront, TransformerBlock } from './media-types';
import type { TensorReader, TensorWriter } from './share-schema';
import type { Checker } from './validate';
import type { WeightTensor } from './types';

/**
 * The parts of a text network's link header and tensors that the word-level CNN/RNN/bag fronts
 * did not have: BPE merges, the tagger flag and the transformer's blocks. BPE merges come first
 * in the tensor section (before the embedding); a transformer's position table and blocks follow
 * the embedding. Every count is bounded and the cost per text checked before a weight is read.
 */
export const NET_LIMITS = { blocks: 12, heads: 64, ffDim: 16_384, macs: 2_000_000_000 } as const;

const byteToken = (b: number) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;

export function netHeader(front: NetworkFront): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	if (front.bpe) out.bpe = { fallback: front.bpe.fallback, merges: front.bpe.merges.length / 2 };
	if (front.task) out.task = front.task;
	if (front.kind === 'transformer') {
		Object.assign(out, {
			heads: front.heads,
			ffDim: front.ffDim,
			position: front.position.dtype,
			blocks: front.blocks.map((b) => ({ attention: b.attention.map((m) => m.w.dtype), ff1: b.ff1.w.dtype, ff2: b.ff2.w.dtype }))
		});
	}
	return out;
}

export function writeBpe(front: NetworkFront, w: TensorWriter): void {
	if (front.bpe) w.int32(front.bpe.merges);
}

export function writeTransformer(front: TextTransformerFront, w: TensorWriter, tensor: (t: WeightTensor) => void): void {
	tensor(front.position);
	for (const b of front.blocks) {
		w.float32(b.ln1.gamma);
		w.float32(b.ln1.beta);
		for (const m of b.attention) {
			tensor(m.w);
			w.float32(m.b);
		}
		w.float32(b.ln2.gamma);
		w.float32(b.ln2.beta);
		for (const m of [b.ff1, b.ff2]) {
			tensor(m.w);
			w.float32(m.b);
		}
	}
	w.float32(front.final.gamma);
	w.float32(front.final.beta);
}

/** The optional `bpe` and `task` of a network front; merges are read here (before the embedding). */
export function readNetOptions(c: Checker, o: Record<string, unknown>, path: string, vocabulary: string[], r: TensorReader): { bpe?: BpeRules; task?: 'token' } {
	const out: { bpe?: BpeRules; task?: 'token' } = {};
	if (o.task !== undefined) out.task = c.oneOf(o.task, `${path}.task`, ['token'] as const);
	if (o.bpe === undefined) return out;
	const b = c.object(o.bpe, `${path}.bpe`, ['fallback', 'merges']);
	const fallback = c.oneOf(b.fallback, `${path}.bpe.fallback`, ['bytes', 'unk'] as const);
	if (fallback === 'bytes') {
		for (let i = 0; i < 256; i++) if (vocabulary[2 + i] !== byteToken(i)) c.fail(`${path}.vocabulary[${2 + i}]`, `must be the byte token ${byteToken(i)} when the BPE falls back to bytes`);
	}
	const count = c.integer(b.merges, `${path}.bpe.merges`, 0, vocabulary.length);
	out.bpe = { fallback, merges: r.int32(2 * count, `${path}.bpe.merges`, 0, vocabulary.length - 1) };
	return out;
}

type Read = (dtype: unknown, path: string, count: number, units: number) => WeightTensor;

/** A transformer front's own fields; the embedding (read by the caller) comes before. */
export function readTransformer(c: Checker, o: Record<string, unknown>, path: string, common: { maxLength: number; dim: number }, r: TensorReader, read: Read): Pick<TextTransformerFront, 'heads' | 'ffDim' | 'position' | 'blocks' | 'final'> {
	const d = common.dim;
	const heads = c.integer(o.heads, `${path}.heads`, 1, NET_LIMITS.heads);
	if (d % heads !== 0) c.fail(`${path}.heads`, `must divide the embedding size ${d}`);
	const ffDim = c.integer(o.ffDim, `${path}.ffDim`, 1, NET_LIMITS.ffDim);
	const list = c.array(o.blocks, `${path}.blocks`, NET_LIMITS.blocks, 1).map((v, i) => c.object(v, `${path}.blocks[${i}]`, ['attention', 'ff1', 'ff2']));
	const t = common.maxLength;
	if (list.length * t * (4 * d * d + 2 * d * ffDim + 2 * t * d) > NET_LIMITS.macs) c.fail(`${path}.blocks`, `need more than ${NET_LIMITS.macs.toLocaleString('en-US')} multiply-adds per text`);
	const attention = list.map((b, i) => c.array(b.attention, `${path}.blocks[${i}].attention`, 4, 4));
	const position = read(o.position, `${path}.position`, t * d, d);
	const norm = (at: string) => ({ gamma: r.float32(d, `${at}.gamma`), beta: r.float32(d, `${at}.beta`) });
	const blocks: TransformerBlock[] = list.map((b, i) => {
		const at = `${path}.blocks[${i}]`;
		const ln1 = norm(`${at}.ln1`);
		const mixes = attention[i].map((dtype, m) => ({ w: read(dtype, `${at}.attention[${m}]`, d * d, d), b: r.float32(d, `${at}.attention[${m}].bias`) }));
		const ln2 = norm(`${at}.ln2`);
		const ff1 = { w: read(b.ff1, `${at}.ff1`, d * ffDim, ffDim), b: r.float32(ffDim, `${at}.ff1.bias`) };
		const ff2 = { w: read(b.ff2, `${at}.ff2`, ffDim * d, d), b: r.float32(d, `${at}.ff2.bias`) };
		return { ln1, attention: mixes, ln2, ff1, ff2 };
	});
	return { heads, ffDim, position, blocks, final: norm(`${path}.final`) };
}

export function transformerParameters(front: TextTransformerFront): number {
	return front.blocks.reduce((n, b) => n + 4 * front.dim + b.attention.reduce((m, a) => m + a.w.values.length + a.b.length, 0) + b.ff1.w.values.length + b.ff1.b.length + b.ff2.w.values.length + b.ff2.b.length, front.position.values.length + 2 * front.dim);
}
