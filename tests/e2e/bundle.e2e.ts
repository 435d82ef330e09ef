import { expect, test } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ML_CODE = /@tensorflow|tfjs-core|tfjs-backend|onnxruntime|ort-wasm/i;
// papaparse's own error code; CSV reading and writing happen in workers only.
const CSV_CODE = /UndetectableDelimiter/;
// A package name keyed to its version ("@tensorflow/tfjs-core": "4.22.0", the runs manifest's list
// of library versions) is data, not library code: such pairs are taken out before the search.
const VERSION_PAIR = /["'`]@?[\w./-]+["'`]\s*:\s*["'`][\^~]?\d[\w.-]*["'`]/g;
const root = join(process.cwd(), 'build', '_app', 'immutable');
const read = (dir: string) => readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
	.filter((f) => f.isFile() && f.name.endsWith('.js'))
	.map((f) => ({ name: join(f.parentPath, f.name), text: readFileSync(join(f.parentPath, f.name), 'utf8') }));

test('no page chunk contains ML library code; the workers do', () => {
	const pageChunks = [...read('entry'), ...read('chunks'), ...read('nodes')];
	expect(pageChunks.length).toBeGreaterThan(3);
	expect(pageChunks.filter((c) => ML_CODE.test(c.text.replace(VERSION_PAIR, ''))).map((c) => c.name)).toEqual([]);
	// The marker must be able to find tfjs at all, or the check above proves nothing.
	expect(read('workers').some((c) => ML_CODE.test(c.text))).toBe(true);
	expect(pageChunks.filter((c) => CSV_CODE.test(c.text)).map((c) => c.name)).toEqual([]);
	expect(read('workers').some((c) => CSV_CODE.test(c.text))).toBe(true);
});
