import type { MediaFront } from './media-types';
import { mediaDemoApp, mediaPredictor, type MediaDemoData } from './page-media';
import { kilnRuntime, runtime } from './runtime';
import { kilnConvRuntime } from './runtime-conv';
import { kilnTextRuntime } from './runtime-text';
import { kilnTextNetRuntime } from './runtime-text-net';
import type { PortableModel, SharePayload } from './types';

/** Typed arrays → `{ f32 }` / `{ i8 }` / `{ i32 }` base64 objects, which the page's `revive` turns back. */
function portable(value: unknown): unknown {
	if (value instanceof Float32Array) {
		const bytes = new Uint8Array(value.length * 4);
		const view = new DataView(bytes.buffer);
		value.forEach((v, i) => view.setFloat32(4 * i, v, true));
		return { f32: runtime.encodeBase64(bytes, false) };
	}
	if (value instanceof Int32Array) {
		const bytes = new Uint8Array(value.length * 4);
		const view = new DataView(bytes.buffer);
		value.forEach((v, i) => view.setInt32(4 * i, v, true));
		return { i32: runtime.encodeBase64(bytes, false) };
	}
	if (value instanceof Int8Array) return { i8: runtime.encodeBase64(new Uint8Array(value.buffer, value.byteOffset, value.length), false) };
	if (Array.isArray(value)) return value.map(portable);
	if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, portable(v)]));
	return value;
}

/**
 * The image / text page's script and data: the dense runtime, the conv and text fronts and the
 * media UI, each embedded by toString (the same code the library runs). Images are decoded with
 * createImageBitmap and drawn on a canvas: no URL is ever made for them, so img-src stays 'none'.
 */
export function mediaScript(payload: SharePayload & { media: MediaFront }, model: PortableModel): { script: string; data: MediaDemoData } {
	const data: MediaDemoData = { model, preprocessing: payload.preprocessing, demo: payload.demo, front: portable(payload.media) };
	const script = `"use strict";
(() => {
const kilnRuntime = ${kilnRuntime.toString()};
const kilnConvRuntime = ${kilnConvRuntime.toString()};
const kilnTextNetRuntime = ${kilnTextNetRuntime.toString()};
const kilnTextRuntime = ${kilnTextRuntime.toString()};
const mediaPredictor = ${mediaPredictor.toString()};
const mediaDemoApp = ${mediaDemoApp.toString()};
const data = JSON.parse(document.getElementById("kiln-data").textContent);
const decode = typeof createImageBitmap === "function" ? (file) => createImageBitmap(file) : null;
window.kilnDemo = mediaDemoApp(kilnRuntime(), kilnConvRuntime(), kilnTextRuntime(kilnTextNetRuntime()), mediaPredictor, document, data, decode);
})();
`;
	return { script, data };
}
