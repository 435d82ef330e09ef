import { SHARE_LIMITS, encodeShareLink, packPayload } from './share-link';
import type { ShareLinkSize, SharePayload } from './types';
import { LAZY_LIMITS } from './kinds-lazy';

const kb = (chars: number) => `${(chars / 1024).toFixed(chars < 10 * 1024 ? 1 : 0)} KB`;

/**
 * Whether a link of `chars` fragment characters (plus `baseLength` for origin, path and '#')
 * can be shared: 'fits' under the soft limit, 'long' up to the hard limit (works when pasted,
 * but messengers and e-mail may cut it), 'too-large' beyond (browsers refuse it).
 */
export function shareLinkFit(chars: number, baseLength = 0): ShareLinkSize {
	const total = chars + baseLength;
	const common = { chars, softLimit: SHARE_LIMITS.softChars, hardLimit: SHARE_LIMITS.hardChars };
	if (total <= SHARE_LIMITS.softChars) {
		return { ...common, fit: 'fits', suggestStandalone: false, message: `The link is ${kb(total)}; it fits in any address bar and message.` };
	}
	if (total <= SHARE_LIMITS.hardChars) {
		return {
			...common,
			fit: 'long',
			suggestStandalone: true,
			message: `The link is ${kb(total)}, above the ${kb(SHARE_LIMITS.softChars)} that messengers and e-mail keep intact. It opens when pasted whole; the standalone demo file is safer to send.`
		};
	}
	return {
		...common,
		fit: 'too-large',
		suggestStandalone: true,
		message: `The link would be ${kb(total)}; browsers refuse links over about ${kb(SHARE_LIMITS.hardChars)}. Download the standalone demo file instead, or make the model smaller (prune it or use fewer hidden units).`
	};
}

/** Encode the payload and say whether the link fits; `code` is absent when it cannot be shared. */
export function measureShareLink(payload: SharePayload, baseLength = 0): ShareLinkSize & { code?: string } {
	const refusal = knnRefusal(payload);
	if (refusal) return { ...shareLinkFit(Math.ceil((packPayload(payload).length * 4) / 3), baseLength), fit: 'too-large', suggestStandalone: true, message: refusal };
	const packed = packPayload(payload).length;
	// Over the decode ceiling no link can carry it; int8 weights barely compress, so 4/3 chars per byte.
	if (packed > SHARE_LIMITS.maxInflatedBytes) return shareLinkFit(Math.ceil((packed * 4) / 3), baseLength);
	const code = encodeShareLink(payload);
	const size = shareLinkFit(code.length, baseLength);
	return size.fit === 'too-large' ? size : { ...size, code };
}

/** A kNN link carries its training rows: above LAZY_LIMITS.linkNumbers it is refused, pointing to the standalone file. */
export function knnRefusal(payload: SharePayload): string | null {
	const m = payload.model;
	if (m.kind !== 'knn') return null;
	const numbers = m.rows * m.inputSize;
	if (numbers <= LAZY_LIMITS.linkNumbers) return null;
	const n = (v: number) => v.toLocaleString('en-US');
	return `A k-nearest-neighbours link carries its stored training rows: ${n(m.rows)} rows × ${n(m.inputSize)} inputs = ${n(numbers)} numbers, over the ${n(LAZY_LIMITS.linkNumbers)} a link carries. Download the standalone demo file instead (it holds them all), or train kNN with a smaller "max training rows".`;
}
