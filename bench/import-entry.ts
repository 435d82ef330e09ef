// Bundled by bench/import-bench.mjs and run in a fresh Node process: Kiln's streaming import +
// profile on a file read in 1 MB slices through the Blob API, the way the data worker reads a File. The sink keeps
// nothing (the worker writes each chunk to IndexedDB and lets it go), so memory is the importer's.
import { openAsBlob, statSync } from 'node:fs';
import { fromBlob, importTable } from '$workers/lib/data/import';

const path = process.argv[2];
const target = process.argv[3];
const size = statSync(path).size;
let chunks = 0;
let checksum = 0;
let peakSampled = 0;
const trace: string[] = [];
const mb = (n: number) => Math.round(n / 1048576);
// rss / heapUsed / heapTotal / arrayBuffers / OS max RSS so far, in MB.
const snapshot = () => {
	const m = process.memoryUsage();
	return `${mb(m.rss)}/${mb(m.heapUsed)}/${mb(m.heapTotal)}/${mb(m.arrayBuffers)}/${Math.round(process.resourceUsage().maxRSS / 1024)}`;
};
const sampler = setInterval(() => (peakSampled = Math.max(peakSampled, process.memoryUsage().rss)), 20);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const end = await importTable(
	// A Blob backed by the file, read with blob.slice(…).arrayBuffer() 1 MB at a time: the same
	// calls the data worker makes on the File a person picked.
	fromBlob(await openAsBlob(path), path.split('/').pop() ?? path),
	{
		onSchema: () => {},
		onChunk: (chunk) => {
			chunks++;
			checksum += chunk.columns.reduce((n, b) => n + b.byteLength, 0);
			peakSampled = Math.max(peakSampled, process.memoryUsage().rss);
			if (process.env.TRACE_MEMORY) trace.push(snapshot());
		},
		onEnd: () => {
			if (process.env.TRACE_MEMORY) trace.push(snapshot());
		}
	},
	// The sink only reads the chunk (a worker's IndexedDB put clones it), so buffers are reused.
	{ target, profile: process.argv[4] !== 'noprofile', reuseChunkBuffers: process.env.NO_REUSE !== '1' }
);
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
clearInterval(sampler);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(
	JSON.stringify({
		tool: 'kiln',
		rows: end.rowCount,
		columns: end.columns.map((c) => `${c.name}:${c.semantic}`),
		chunks,
		chunkBytes: checksum,
		seconds: +seconds.toFixed(3),
		cpu_seconds: +cpuSeconds.toFixed(3),
		rows_per_second: Math.round(end.rowCount / seconds),
		rows_per_cpu_second: Math.round(end.rowCount / cpuSeconds),
		peak_rss_mb: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
		peak_rss_sampled_mb: +(peakSampled / 1048576).toFixed(1),
		file_mb: +(size / 1048576).toFixed(1),
		warnings: end.warnings.map((w) => w.message),
		profile_warnings: end.profile?.warnings.map((w) => w.message),
		duplicates: end.profile?.duplicateRows,
		sample_rows: end.profile?.sampleRows,
		...(process.env.TRACE_MEMORY ? { rss_trace_mb: trace } : {})
	})
);
