// Import benchmark: Kiln's streaming import + profile vs pandas read_csv + describe, same file.
//   node bench/big-csv.mjs                      # once: writes bench/out/big.csv (seeded)
//   node bench/import-bench.mjs [file] [repeats=3]
// Bundles bench/import-entry.ts with rolldown (resolving $workers/$shared), then alternates runs
// of Kiln (each in a fresh Node process) and pandas (/usr/bin/python3, Debian python3-pandas),
// so both sides see the same machine load. Prints wall and CPU medians, rows/s, the ratios and
// Kiln's peak RSS against the file size. CPU time is the fairer figure on a shared machine.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const file = process.argv[2] ?? `${root}bench/out/big.csv`;
const repeats = Number(process.argv[3] ?? 3);
if (!existsSync(file)) {
	console.error(`${file} is missing: run node bench/big-csv.mjs first.`);
	process.exit(1);
}
const bundle = `${root}bench/out/import-entry.mjs`;
await build({
	input: `${root}bench/import-entry.ts`,
	platform: 'node',
	resolve: { alias: { $workers: `${root}workers`, $shared: `${root}shared` } },
	output: { file: bundle, format: 'esm' },
	logLevel: 'warn'
});

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kiln = [];
const pandas = [];
for (let i = 0; i < repeats; i++) {
	kiln.push(JSON.parse(execFileSync(process.execPath, [bundle, file, 'churned'], { encoding: 'utf8', maxBuffer: 1 << 26 }).trim().split('\n').pop()));
	pandas.push(JSON.parse(execFileSync('/usr/bin/python3', [`${root}bench/pandas-import.py`, file, '1'], { encoding: 'utf8' }).trim().split('\n').pop()));
	console.error(`[import-bench] run ${i + 1}: kiln ${kiln[i].seconds} s (cpu ${kiln[i].cpu_seconds} s), pandas ${pandas[i].median_seconds} s (cpu ${pandas[i].median_cpu_seconds} s)`);
}
const k = {
	wall: median(kiln.map((r) => r.seconds)),
	cpu: median(kiln.map((r) => r.cpu_seconds)),
	rss: Math.max(...kiln.map((r) => r.peak_rss_mb)),
	sampled: Math.max(...kiln.map((r) => r.peak_rss_sampled_mb))
};
const p = { wall: median(pandas.map((r) => r.median_seconds)), cpu: median(pandas.map((r) => r.median_cpu_seconds)) };
const rows = kiln[0].rows;
const fileMb = statSync(file).size / 1048576;
const summary = {
	file,
	file_mb: +fileMb.toFixed(1),
	rows,
	repeats,
	kiln: {
		wall_s: kiln.map((r) => r.seconds),
		cpu_s: kiln.map((r) => r.cpu_seconds),
		rows_per_s: Math.round(rows / k.wall),
		rows_per_cpu_s: Math.round(rows / k.cpu),
		// maxRSS from the OS (resourceUsage) and the largest process.memoryUsage().rss sampled
		// every 20 ms and at every chunk, both the max over the runs.
		peak_rss_mb: k.rss,
		peak_rss_sampled_mb: k.sampled
	},
	pandas: { version: pandas[0].version, wall_s: pandas.map((r) => r.median_seconds), cpu_s: pandas.map((r) => r.median_cpu_seconds), rows_per_s: Math.round(rows / p.wall), rows_per_cpu_s: Math.round(rows / p.cpu), peak_rss_mb: Math.max(...pandas.map((r) => r.peak_rss_mb)) },
	ratio_rows_per_s_wall: +(p.wall / k.wall).toFixed(2),
	ratio_rows_per_s_cpu: +(p.cpu / k.cpu).toFixed(2),
	kiln_rss_over_file: +(k.rss / fileMb).toFixed(2),
	kiln_sampled_rss_over_file: +(k.sampled / fileMb).toFixed(2),
	columns: kiln[0].columns,
	warnings: kiln[0].warnings,
	profile_warnings: kiln[0].profile_warnings
};
console.log(JSON.stringify(summary, null, 1));
