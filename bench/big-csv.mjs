// Writes a seeded, messy CSV for the import benchmark: 1,000,000 rows × 20 columns (~110 MB) of
// integers, decimals, categories, booleans (true/false and yes/no), ISO dates and date-times,
// missing values in several spellings, ZIP codes with leading zeros, one ID column and free text
// with commas, doubled quotes and the odd embedded newline (so quoted fields appear).
//   node bench/big-csv.mjs [path=bench/out/big.csv] [rows=1000000] [seed=42]
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { mulberry32 } from '../scripts/rng.mjs';

const path = process.argv[2] ?? 'bench/out/big.csv';
const rows = Number(process.argv[3] ?? 1_000_000);
const seed = Number(process.argv[4] ?? 42);

const rng = mulberry32(seed);
const pick = (list) => list[Math.floor(rng() * list.length)];
const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
const maybe = (p, value, missing = '') => (rng() < p ? missing : value);

const CITIES = ['Lyon', 'Paris', 'Berlin', 'Madrid', 'Rome', 'Oslo', 'Vienna', 'Prague', 'Lisbon', 'Dublin', 'Athens', 'Warsaw', 'Zurich', 'Munich', 'Milan', 'Porto', 'Ghent', 'Turin', 'Bergen', 'Krakow'];
const SEGMENTS = ['retail', 'smb', 'enterprise', 'public', 'education'];
const COLORS = ['red', 'green', 'blue', 'black', 'white', 'grey', 'orange', 'purple'];
const PLANS = ['free', 'basic', 'pro'];
const WORDS = ['late', 'delivery', 'great', 'service', 'price', 'too', 'high', 'support', 'slow', 'friendly', 'app', 'crash', 'love', 'it', 'refund', 'please'];
const DAY = 86_400_000;
const START = Date.UTC(2015, 0, 1);

function comment() {
	const r = rng();
	if (r < 0.5) return '';
	const words = Array.from({ length: 1 + Math.floor(rng() * 2) }, () => pick(WORDS)).join(' ');
	if (r < 0.7) return words;
	if (r < 0.9) return `"${words}, ${pick(WORDS)}"`;
	if (r < 0.999) return `"said ""${pick(WORDS)}"", ${pick(WORDS)}"`;
	return `"line one\nline two"`;
}

const header = ['id', 'age', 'income', 'score', 'ratio', 'balance', 'visits', 'children', 'rating', 'city', 'segment', 'color', 'plan', 'active', 'churned', 'signup', 'last_seen', 'comment', 'temperature', 'zip'];

function row(i) {
	const signup = START + Math.floor(rng() * 3000) * DAY;
	const seen = signup + Math.floor(rng() * 400 * DAY);
	return [
		`C${String(i + 1).padStart(7, '0')}`,
		maybe(0.02, String(18 + Math.floor(rng() * 70))),
		maybe(0.05, (20000 + rng() * 80000).toFixed(1), 'NA'),
		(50 + 15 * normal()).toFixed(2),
		rng().toFixed(3),
		(1000 * normal()).toFixed(1),
		String(Math.floor(rng() * rng() * 50)),
		String(Math.floor(rng() * 4)),
		maybe(0.1, String(1 + Math.floor(rng() * 5))),
		pick(CITIES),
		pick(SEGMENTS),
		pick(COLORS),
		maybe(0.03, pick(PLANS), '?'),
		rng() < 0.5 ? 'true' : 'false',
		rng() < 0.2 ? 'yes' : 'no',
		new Date(signup).toISOString().slice(0, 10),
		new Date(seen).toISOString().slice(0, 16).replace('T', ' '),
		comment(),
		maybe(0.01, (15 + 10 * normal()).toFixed(1), 'NaN'),
		String(Math.floor(rng() * 99999)).padStart(5, '0')
	].join(',');
}

mkdirSync(dirname(path), { recursive: true });
const out = createWriteStream(path);
out.write(header.join(',') + '\n');
const BLOCK = 10_000;
for (let start = 0; start < rows; start += BLOCK) {
	const lines = [];
	for (let i = start; i < Math.min(rows, start + BLOCK); i++) lines.push(row(i));
	if (!out.write(lines.join('\n') + '\n')) await new Promise((resolve) => out.once('drain', resolve));
}
out.end(() => console.log(`wrote ${rows} rows × ${header.length} columns to ${path}`));
