// Summarise V8's --trace-opt / --trace-deopt output of a tune bench run, split at each search's
// Start (the bench's KILN_START_MARK function, tune-bench.mjs): per search, the deopts (function,
// tier, reason) and the Maglev and TurboFan compile time on the background threads, with the
// functions TurboFan compiled. What a search compiles is CPU the workers' two cores lose.
//   DEBUG=pw:browser TUNE_JS_FLAGS="--trace-opt --trace-deopt" TUNE_ONLY=pool TUNE_REPEATS=1 \
//     TUNE_WARM=warm node bench/tune-bench.mjs 2> v8.log; node bench/v8-log.mjs v8.log
// A search's window runs from its mark to the bench's line reporting it. With --trace-deopt-verbose
// and a build made with `--sourcemap hidden`, each deopt also names where it happened in the source.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceMapper } from './sourcemap.mjs';

const toSource = sourceMapper(join(dirname(fileURLToPath(import.meta.url)), '..', 'build'));
/** "http://host/_app/x.js:1:23" → "src/…ts:line" through the build's maps, else as given. */
const placeOf = (url) => {
	const m = /https?:\/\/[^/]+(\/[^:]+):(\d+):(\d+)/.exec(url);
	return (m && toSource(m[1].slice(1), Number(m[2]), Number(m[3]))) ?? url;
};

const lines = readFileSync(process.argv[2], 'utf8').split('\n');
const windows = [];
let current = null;
for (const line of lines) {
	// The mark's first line: its compile (--trace-opt) or its OSR bailout (--trace-deopt alone).
	if (!current && line.includes('KILN_START_MARK')) {
		current = { lines: [] };
		continue;
	}
	if (current && line.includes('KILN_START_MARK')) continue;
	if (current && line.startsWith('[tune-bench]')) {
		current.title = line.slice('[tune-bench] '.length, 120);
		windows.push(current);
		current = null;
		continue;
	}
	if (current) current.lines.push(line);
}

const nameOf = (line) => /<JSFunction (?:([^ ]+) )?\(sfi = (0x[0-9a-f]+)\)/.exec(line)?.slice(1) ?? ['?', '?'];
for (const w of windows) {
	const deopts = new Map();
	const compiled = { MAGLEV: { ms: 0, n: 0 }, TURBOFAN_JS: { ms: 0, n: 0 } };
	const turbofan = new Map();
	for (const [i, line] of w.lines.entries()) {
		if (line.includes('[bailout (kind')) {
			const [name] = nameOf(line);
			const reason = /reason: (.*?)\): begin/.exec(line)?.[1] ?? '?';
			const tier = /<Code ([A-Z_]+)>/.exec(line)?.[1] ?? '?';
			// --trace-deopt-verbose puts the place on the next line (innermost first, then "inlined at").
			const at = /;;; deoptimize at (.*)/.exec(w.lines[i + 1] ?? '')?.[1];
			const where = at ? ` at ${[...at.matchAll(/<([^>]+)>/g)].map((m) => placeOf(m[1])).join(' ← ')}` : '';
			const key = `${name ?? '(anonymous)'} ${tier}: ${reason}${where}`;
			deopts.set(key, (deopts.get(key) ?? 0) + 1);
		}
		const done = /\[completed compiling .*\(target ([A-Z_]+)\)( OSR)? - took [0-9.]+, ([0-9.]+), [0-9.]+ ms/.exec(line);
		if (done && compiled[done[1]]) {
			const ms = Number(done[3]);
			compiled[done[1]].ms += ms;
			compiled[done[1]].n++;
			if (done[1] === 'TURBOFAN_JS') {
				const [name, sfi] = nameOf(line);
				const key = name ?? `(anonymous ${sfi})`;
				turbofan.set(key, (turbofan.get(key) ?? 0) + ms);
			}
		}
	}
	console.log(`\n== ${w.title}`);
	console.log(`deopts ${[...deopts.values()].reduce((a, b) => a + b, 0)}; Maglev ${compiled.MAGLEV.n} compiles ${compiled.MAGLEV.ms.toFixed(0)} ms; TurboFan ${compiled.TURBOFAN_JS.n} compiles ${compiled.TURBOFAN_JS.ms.toFixed(0)} ms`);
	for (const [key, n] of [...deopts].sort((a, b) => b[1] - a[1])) console.log(`  deopt ×${n} ${key}`);
	console.log(`  TurboFan: ${[...turbofan].sort((a, b) => b[1] - a[1]).map(([k, ms]) => `${k} ${ms.toFixed(0)}`).join(', ')}`);
}
