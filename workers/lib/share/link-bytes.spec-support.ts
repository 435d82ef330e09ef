// Node-only helpers for the hostile-link specs: take a payload apart and put any header and
// tensor bytes back into the link container, so a spec can corrupt one field at a time.
import { deflateSync } from 'fflate';
import { expect } from 'vitest';
import { isKind } from '$shared/errors';
import { packPayload } from './share-link';
import type { SharePayload } from './types';

/** A container ("KLNS", version, header length, JSON header, tensor bytes) deflated into a link. */
export function linkOf(header: unknown, tensors: Uint8Array, version = 2): string {
	const json = new TextEncoder().encode(JSON.stringify(header));
	const bytes = new Uint8Array(9 + json.length + tensors.length);
	bytes.set([0x4b, 0x4c, 0x4e, 0x53, version]);
	new DataView(bytes.buffer).setUint32(5, json.length, true);
	bytes.set(json, 9);
	bytes.set(tensors, 9 + json.length);
	return Buffer.from(deflateSync(bytes)).toString('base64url');
}

/** A payload's JSON header and tensor bytes, as the link container holds them. */
export function split(p: SharePayload): { header: Record<string, unknown>; tensors: Uint8Array } {
	const packed = packPayload(p);
	const length = new DataView(packed.buffer).getUint32(5, true);
	return { header: JSON.parse(new TextDecoder().decode(packed.subarray(9, 9 + length))), tensors: packed.slice(9 + length) };
}

/** Expects `thunk` to refuse a link with a ShareLinkError whose message matches. */
export function refused(thunk: () => unknown, message: RegExp): void {
	try {
		thunk();
	} catch (e) {
		expect(isKind(e, 'ShareLinkError'), String(e)).toBe(true);
		expect((e as Error).message).toMatch(message);
		return;
	}
	throw new Error('the link was accepted');
}
