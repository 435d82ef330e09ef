import { Inflate } from 'fflate';

class TooLarge extends Error {}

export type InflateResult = { ok: true; bytes: Uint8Array } | { ok: false; reason: 'too-large' | 'corrupt' };

/**
 * Raw DEFLATE with a ceiling on the output. The input goes in `step`-byte pieces and the output
 * is counted after each piece; one piece can expand at most ~1032× (deflate's limit), so a
 * deflate bomb stops within `maxBytes + 1032·step` bytes instead of exhausting memory.
 */
export function inflateCapped(data: Uint8Array, maxBytes: number, step = 4096): InflateResult {
	const chunks: Uint8Array[] = [];
	let total = 0;
	let finished = false;
	const inflater = new Inflate((chunk, final) => {
		total += chunk.length;
		if (total > maxBytes) throw new TooLarge();
		chunks.push(chunk);
		if (final) finished = true;
	});
	try {
		if (data.length === 0) inflater.push(data, true);
		for (let i = 0; i < data.length; i += step) inflater.push(data.subarray(i, i + step), i + step >= data.length);
	} catch (error) {
		return { ok: false, reason: error instanceof TooLarge ? 'too-large' : 'corrupt' };
	}
	if (!finished) return { ok: false, reason: 'corrupt' };
	const bytes = new Uint8Array(total);
	let offset = 0;
	for (const c of chunks) {
		bytes.set(c, offset);
		offset += c.length;
	}
	return { ok: true, bytes };
}
