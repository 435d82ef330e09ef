// Names minified frames (url:line:col in build/) after their source file and line, from the
// build's own .map files. A small VLQ reader, so the bench needs no source-map package.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeSegment(text) {
	const values = [];
	let value = 0;
	let shift = 0;
	for (const char of text) {
		const digit = BASE64.indexOf(char);
		value += (digit & 31) << shift;
		if (digit & 32) shift += 5;
		else {
			values.push(value & 1 ? -(value >>> 1) : value >>> 1);
			value = shift = 0;
		}
	}
	return values;
}

/** Per generated line: sorted [column, source, line, column] segments (absolute values). */
function parse(map) {
	const lines = [];
	let source = 0;
	let line = 0;
	let column = 0;
	for (const text of map.mappings.split(';')) {
		let generated = 0;
		const segments = [];
		for (const part of text ? text.split(',') : []) {
			const v = decodeSegment(part);
			generated += v[0];
			if (v.length >= 4) {
				source += v[1];
				line += v[2];
				column += v[3];
				segments.push([generated, source, line, column]);
			}
		}
		lines.push(segments);
	}
	return lines;
}

/** Returns a function turning "/_app/…/x.js:line:col" (1-based) into "src/…:line", or null. */
export function sourceMapper(buildDir) {
	const cache = new Map();
	const load = (path) => {
		if (!cache.has(path)) {
			const file = join(buildDir, `${path}.map`);
			let value = null;
			if (existsSync(file)) {
				const map = JSON.parse(readFileSync(file, 'utf8'));
				value = { sources: map.sources, lines: parse(map) };
			}
			cache.set(path, value);
		}
		return cache.get(path);
	};
	return (path, line, column) => {
		const map = load(path);
		const segments = map?.lines[line - 1];
		if (!segments?.length) return null;
		let best = null;
		for (const s of segments) if (s[0] <= column - 1) best = s;
		if (!best) return null;
		// node_modules may be a symlink to another checkout: keep the package path only.
		const source = map.sources[best[1]].replace(/^.*node_modules\//, '').replace(/^(\.\.\/)+/, '');
		return `${source}:${best[2] + 1}`;
	};
}

/** Long Animation Frame entries give a character offset into the script: turn it into line:col. */
export function lineColumnAt(buildDir, path, offset) {
	const file = join(buildDir, path);
	if (!existsSync(file) || offset < 0) return null;
	const before = readFileSync(file, 'utf8').slice(0, offset);
	const line = before.split('\n').length;
	return { line, column: offset - before.lastIndexOf('\n') };
}

/** A Long Animation Frame script entry's source file and line (build with --sourcemap hidden), or null. */
export function scriptSource(buildDir, mapSource, script) {
	const path = (script.url || '').replace(/^https?:\/\/[^/]+\//, '');
	const at = path ? lineColumnAt(buildDir, path, script.at) : null;
	return at ? mapSource(path, at.line, at.column) : null;
}
