import { KilnError } from '$shared/errors';
import { scriptSafeJson, escapeHtml } from './html';
import { demoApp, type DemoData } from './page-app';
import { mediaScript } from './standalone-media';
import { kilnRuntime, runtime } from './runtime';
import { sha256 } from './sha256';
import { kilnTreesRuntime } from './runtime-trees';
import { kilnPipelineRuntime } from './runtime-pipeline';
import { kilnPipelineMore } from './runtime-pipeline-more';
import { kilnTextRuntime } from './runtime-text';
import { kilnShareRuntime } from './runtime-share';
import { lazyToPortable, treesToPortable } from './portable-trees';
import { kilnLazyRuntime } from './runtime-lazy';
import { isLazy } from './kinds-lazy';
import { packPayload, unpackPayload } from './share-link';
import type { LayerSpec, ModelDescription, PortableLayer, PortableModel, SharePayload } from './types';

export interface StandalonePage {
	html: string;
	/** UTF-8 size of the file, to show before download. */
	bytes: number;
	/** The CSP source of the inline script, e.g. "'sha256-…'". */
	scriptHash: string;
}

const STYLE = `.preview{width:8rem;height:8rem;image-rendering:pixelated;border:1px solid GrayText}
textarea{font:inherit;width:100%;box-sizing:border-box}
.field.text{grid-template-columns:1fr}
:root{color-scheme:light dark;font-family:system-ui,sans-serif;line-height:1.5}
body{margin:0;padding:1.5rem;display:flex;justify-content:center}
main{max-width:40rem;width:100%}
h1{font-size:1.6rem;margin:0 0 .5rem}
.description{white-space:pre-line}
.note,footer{color:GrayText;font-size:.9rem}
form{display:grid;gap:.6rem;margin:1rem 0}
.field{display:grid;grid-template-columns:minmax(8rem,1fr) 2fr;gap:.5rem;align-items:center}
label{overflow-wrap:anywhere}
input,select,button{font:inherit;padding:.35rem .5rem}
.actions{display:flex;flex-wrap:wrap;gap:.5rem}
button{cursor:pointer}
.answer{font-size:1.5rem;font-weight:600;margin:.25rem 0;overflow-wrap:anywhere}
.probabilities{list-style:none;padding:0}
.probabilities li{display:grid;grid-template-columns:minmax(6rem,1fr) 2fr 4.5rem;gap:.5rem;align-items:center}
meter{width:100%}
.percent{text-align:right;font-variant-numeric:tabular-nums}
.warnings,.error{color:#b45309}`;

const cspHash = (text: string) => `'sha256-${runtime.encodeBase64(sha256(new TextEncoder().encode(text)), false)}'`;

function floats(values: Float32Array): string {
	const bytes = new Uint8Array(values.length * 4);
	const view = new DataView(bytes.buffer);
	values.forEach((v, i) => view.setFloat32(4 * i, v, true));
	return runtime.encodeBase64(bytes, false);
}

function portableLayer(l: LayerSpec): PortableLayer {
	if (l.type === 'dense') {
		const k = l.kernel;
		const kernel = k.dtype === 'int8' ? { dtype: k.dtype, values: runtime.encodeBase64(new Uint8Array(k.values.buffer, k.values.byteOffset, k.values.length), false), scales: floats(k.scales) } : { dtype: 'float32' as const, values: floats(k.values) };
		return { ...l, kernel, bias: l.bias && floats(l.bias) };
	}
	if (l.type === 'batchnorm') return { ...l, gamma: l.gamma && floats(l.gamma), beta: l.beta && floats(l.beta), mean: floats(l.mean), variance: floats(l.variance) };
	return l;
}

export function modelToPortable(model: ModelDescription): PortableModel {
	return { inputSize: model.inputSize, outputSize: model.outputSize, layers: model.layers.map(portableLayer) };
}

/**
 * One self-contained .html file: the model as JSON in a data block, the runtime and the form UI as
 * one inline script whose hash the Content-Security-Policy allows, and nothing else — no network
 * (default-src 'none'), no other script. Works from file://.
 */
export interface StandaloneOptions {
	/**
	 * The studio's expression engine as a self-contained script (`virtual:kiln-derive-script`),
	 * embedded only when the pipeline derives a column; without it such a page is refused.
	 */
	deriveScript?: string;
}

export function buildStandalonePage(payload: SharePayload, options: StandaloneOptions = {}): StandalonePage {
	// The same checks a share link gets, so a page never embeds a model its runtime cannot run.
	let checked: SharePayload;
	try {
		checked = unpackPayload(packPayload(payload));
	} catch (error) {
		throw new KilnError('ExportError', `The demo page was not written: ${error instanceof Error ? error.message.replace(/^This share link is damaged or was not made by Kiln: /, '') : String(error)}`);
	}
	const derived = checked.pipeline?.steps.find((s) => s.kind === 'derive');
	if (derived && !options.deriveScript) throw new KilnError('ExportError', `The demo page was not written: its pipeline computes the column "${derived.kind === 'derive' ? derived.name : ''}" from an expression, and this page was asked for without Kiln's expression engine. Share the link instead; Kiln opens it with its own parser.`);
	// The engine's bundle defines one global-like binding; it stays inside the page's closure.
	const derive = derived && options.deriveScript ? `const kilnDerive = (() => {\n${options.deriveScript}\nreturn kilnDeriveBundle.studioDeriveEngine();\n})();\n` : '';
	const model = checked.model.kind === 'trees' ? treesToPortable(checked.model) : isLazy(checked.model) ? lazyToPortable(checked.model) : modelToPortable(checked.model);
	const media = checked.media && checked.model.kind !== 'trees' && !isLazy(checked.model) ? mediaScript({ ...checked, media: checked.media }, modelToPortable(checked.model)) : null;
	const data: object = media ? media.data : ({ model, preprocessing: checked.preprocessing, demo: checked.demo, ...(checked.pipeline ? { pipeline: checked.pipeline } : {}) } satisfies DemoData);
	const script = media ? media.script : `"use strict";
(() => {
const kilnRuntime = ${kilnRuntime.toString()};
const kilnTreesRuntime = ${kilnTreesRuntime.toString()};
const kilnPipelineRuntime = ${kilnPipelineRuntime.toString()};
const kilnPipelineMore = ${kilnPipelineMore.toString()};
const kilnTextRuntime = ${kilnTextRuntime.toString()};
const kilnLazyRuntime = ${kilnLazyRuntime.toString()};
const kilnShareRuntime = ${kilnShareRuntime.toString()};
const demoApp = ${demoApp.toString()};
${derive}const data = JSON.parse(document.getElementById("kiln-data").textContent);
window.kilnDemo = demoApp(kilnShareRuntime(kilnRuntime(), kilnTreesRuntime(), kilnPipelineRuntime(kilnPipelineMore(kilnTextRuntime()${derive ? ', kilnDerive' : ''})), kilnLazyRuntime()), document, data);
})();
`;
	if (/<\/script|<!--/i.test(script)) throw new KilnError('ExportError', 'The page script contains a sequence that would end the script element early; the demo page was not written.');
	const scriptHash = cspHash(script);
	const csp = `default-src 'none'; script-src ${scriptHash}; style-src ${cspHash(STYLE)}; img-src 'none'; base-uri 'none'; form-action 'none'`;
	const title = checked.demo.title.trim() || 'Kiln model demo';
	const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main id="app"></main>
<script type="application/json" id="kiln-data">${scriptSafeJson(data)}</script>
<script>${script}</script>
</body>
</html>
`;
	return { html, bytes: new TextEncoder().encode(html).length, scriptHash };
}
