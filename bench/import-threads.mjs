// Where an import's CPU goes, thread by thread, from a Chrome trace of the whole browser
// (IMPORT_TRACE=1 node bench/import-browser.mjs …): each thread's CPU time in its top-level tasks
// (wall and thread time), and for the threads V8 sampled (the page and its workers) the functions
// by self time, mapped to source lines through the build's hidden source maps.
/** A trace's thread names by "pid:tid" and process names by pid (its metadata events). */
export function traceNames(events) {
	const names = new Map();
	const procs = new Map();
	for (const e of events) {
		if (e.ph !== 'M') continue;
		if (e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args?.name);
		if (e.name === 'process_name') procs.set(e.pid, e.args?.name);
	}
	return { names, procs };
}

const TOP_LEVEL = new Set(['ThreadControllerImpl::RunTask', 'RunTask', 'ThreadPool_RunTask']);

const shortUrl = (url) => url.replace(/^https?:\/\/[^/]+\//, '');

/** Self milliseconds per function of one thread's V8 samples between two timestamps (µs). */
function selfTimes(events, pid, tid, from, to, mapSource) {
	const profiles = new Map();
	for (const e of events) {
		if (e.pid !== pid || (e.name !== 'Profile' && e.name !== 'ProfileChunk')) continue;
		const id = e.id ?? e.id2?.local;
		if (!profiles.has(id)) profiles.set(id, { tid: null, time: null, nodes: new Map(), samples: [] });
		const p = profiles.get(id);
		const data = e.args?.data ?? {};
		if (e.name === 'Profile') (p.tid = e.tid), (p.time = data.startTime);
		for (const node of data.cpuProfile?.nodes ?? []) p.nodes.set(node.id, node);
		const ids = data.cpuProfile?.samples ?? [];
		const deltas = data.timeDeltas ?? [];
		for (let i = 0; i < ids.length; i++) p.samples.push([ids[i], deltas[i] ?? 0]);
	}
	const self = new Map();
	for (const p of profiles.values()) {
		if (p.tid !== tid || p.time == null) continue;
		let t = p.time;
		let prev = null;
		for (const [id, delta] of p.samples) {
			t += delta;
			if (prev && t >= from && t <= to) {
				const node = p.nodes.get(prev);
				const f = node?.callFrame ?? {};
				const path = f.url ? shortUrl(f.url) : '';
				const mapped = path.endsWith('.js') && mapSource ? mapSource(path, f.lineNumber + 1, f.columnNumber + 1) : null;
				const key = `${f.functionName || '(anon)'} ${mapped ?? (path ? `${path}:${f.lineNumber + 1}` : '')}`;
				self.set(key, (self.get(key) ?? 0) + delta / 1000);
			}
			prev = id;
		}
	}
	return [...self].sort((a, b) => b[1] - a[1]);
}

/** Lines of text: threads by CPU ms in [from, to] (trace µs), then the sampled threads' top functions. */
export function threadReport(json, from, to, mapSource, top = 18) {
	const events = Array.isArray(json) ? json : json.traceEvents;
	const { names, procs } = traceNames(events);
	const busy = new Map();
	// Top-level tasks only: a nested one (same thread, inside another) would count twice.
	const ends = new Map();
	for (const e of events.filter((x) => x.ph === 'X' && TOP_LEVEL.has(x.name) && x.ts >= from && x.ts <= to).sort((a, b) => a.ts - b.ts)) {
		const key = `${e.pid}:${e.tid}`;
		if ((ends.get(key) ?? -1) > e.ts) continue;
		ends.set(key, e.ts + (e.dur ?? 0));
		const b = busy.get(key) ?? { wall: 0, cpu: 0, tasks: 0 };
		b.wall += (e.dur ?? 0) / 1000;
		b.cpu += (e.tdur ?? e.dur ?? 0) / 1000;
		b.tasks++;
		busy.set(key, b);
	}
	const lines = [`threads by CPU in the import window (${((to - from) / 1e6).toFixed(1)} s):`];
	for (const [key, b] of [...busy].sort((a, b) => b[1].cpu - a[1].cpu).slice(0, 16)) {
		const pid = Number(key.split(':')[0]);
		lines.push(`  ${b.cpu.toFixed(0).padStart(6)} ms cpu ${b.wall.toFixed(0).padStart(6)} ms wall ${String(b.tasks).padStart(6)} tasks  ${procs.get(pid) ?? pid} / ${names.get(key) ?? key}`);
	}
	for (const [key, name] of names) {
		if (!/DedicatedWorker|CrRendererMain/.test(name ?? '')) continue;
		const [pid, tid] = key.split(':').map(Number);
		const self = selfTimes(events, pid, tid, from, to, mapSource);
		const total = self.reduce((n, [, ms]) => n + ms, 0);
		if (total < 50) continue;
		lines.push(`${name} ${key}: ${total.toFixed(0)} ms sampled`);
		for (const [k, ms] of self.slice(0, top)) lines.push(`  ${ms.toFixed(0).padStart(6)} ms  ${k}`);
	}
	return lines;
}
