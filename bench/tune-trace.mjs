// Evidence for the tune bench: CPU seconds per Chromium thread (from /proc, Linux only) and the
// `tune:` measures the studio puts on the page's performance timeline for every trial job.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS = 100; // CLK_TCK on Linux

function stat(path) {
	try {
		const text = readFileSync(path, 'utf8');
		const close = text.lastIndexOf(')');
		const comm = text.slice(text.indexOf('(') + 1, close);
		const fields = text.slice(close + 2).split(' ');
		// After comm: state(0) ppid(1) … utime(11) stime(12)
		return { comm, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
	} catch {
		return null;
	}
}

/** The pid of the Chromium launched with `marker` among its arguments. */
export function findBrowserPid(marker) {
	for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
		try {
			if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(marker)) return Number(pid);
		} catch {
			// gone
		}
	}
	return null;
}

/** CPU ticks of every thread of the browser and its descendants, keyed by tid. */
export function cpuSnapshot(rootPid) {
	if (!rootPid) return null;
	const procs = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((pid) => ({ pid: Number(pid), ...stat(`/proc/${pid}/stat`) }));
	const tree = new Set([rootPid]);
	for (let grew = true; grew; ) {
		grew = false;
		for (const p of procs) if (!tree.has(p.pid) && tree.has(p.ppid)) (tree.add(p.pid), (grew = true));
	}
	const threads = new Map();
	for (const pid of tree) {
		let type = 'browser';
		try {
			type = /--type=([\w-]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '))?.[1] ?? 'browser';
		} catch {
			continue;
		}
		let tids = [];
		try {
			tids = readdirSync(`/proc/${pid}/task`);
		} catch {
			continue;
		}
		for (const tid of tids) {
			const s = stat(`/proc/${pid}/task/${tid}/stat`);
			if (s) threads.set(tid, { process: type, comm: s.comm, ticks: s.ticks });
		}
	}
	return threads;
}

/**
 * CPU seconds between two snapshots: per process type and thread name, and the busiest worker
 * threads, each listed from `minSeconds` (a search's summary leaves out threads under 0.05 s; an
 * epoch of ~0.1 s wants every tick).
 */
export function cpuBetween(before, after, wallSeconds, minSeconds = 0.05) {
	if (!before || !after) return null;
	const groups = {};
	const workers = [];
	let total = 0;
	for (const [tid, t] of after) {
		const seconds = (t.ticks - (before.get(tid)?.ticks ?? 0)) / TICKS;
		if (seconds <= 0) continue;
		total += seconds;
		const key = `${t.process}:${t.comm}`;
		groups[key] = (groups[key] ?? 0) + seconds;
		if (t.comm.startsWith('DedicatedWorker')) workers.push(seconds);
	}
	const round = (x) => Math.round(x * 100) / 100;
	return {
		totalSeconds: round(total),
		coresBusy: round(total / wallSeconds),
		byThread: Object.fromEntries(Object.entries(groups).sort((a, b) => b[1] - a[1]).filter(([, s]) => s >= minSeconds).map(([k, s]) => [k, round(s)])),
		workerThreads: workers.sort((a, b) => b - a).filter((s) => s >= minSeconds).map(round)
	};
}

/** The page's `tune:` measures, read before its context closes. */
export const readMeasures = () => ({
	origin: performance.timeOrigin,
	measures: performance
		.getEntriesByType('measure')
		.filter((m) => m.name.startsWith('tune:'))
		.map((m) => ({ name: m.name.slice(5), start: m.startTime, ms: m.duration, detail: m.detail }))
});

/**
 * Per-job breakdown of a search: total and mean milliseconds per stretch, how full the slots
 * were (job time over slots × wall), and the page's share (event handling, trial writes).
 */
export function summarise(measures, wallSeconds, slots) {
	const jobs = measures.filter((m) => m.name === 'job');
	const totals = {};
	for (const m of measures) {
		// The workers' warm-up ran before Start: not a job's.
		if (m.name === 'warm') continue;
		const ms = m.name === 'page-events' ? m.detail.busyMs : m.ms;
		totals[m.name] = (totals[m.name] ?? 0) + ms;
	}
	const n = jobs.length || 1;
	const round = (x) => Math.round(x);
	const jobMs = totals.job ?? 0;
	const inWorker = Object.entries(totals).filter(([k]) => k.startsWith('worker:')).reduce((a, [, v]) => a + v, 0);
	return {
		jobs: jobs.length,
		meanMsPerJob: Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, round(v / n)])),
		// Job time not accounted for by the worker's stretches: the RPC, useBackend, structured clones.
		meanMsPerJobOutsideWorkerPhases: round((jobMs - inWorker) / n),
		slotOccupancy: Math.round((jobMs / (wallSeconds * 1000 * slots)) * 1000) / 1000,
		idleSlotSeconds: Math.round((wallSeconds * slots - jobMs / 1000) * 100) / 100
	};
}

/** Trace categories that name what the renderer's threads do (V8's GC, compilation, wasm tiering, tasks). */
export const THREAD_TRACE_CATEGORIES = ['toplevel', 'v8', 'v8.wasm', 'disabled-by-default-v8.gc', 'disabled-by-default-v8.compile', 'disabled-by-default-v8.wasm.detailed', 'devtools.timeline'];

/**
 * Self time per event name for each kind of thread in a Chrome trace (TUNE_TRACE=1): which V8
 * jobs (GC phases, wasm tier-up, compilation) the renderer's thread pool ran, and for whom.
 */
export function threadSummary(traceText, top = 12) {
	const events = JSON.parse(traceText).traceEvents ?? [];
	const names = new Map();
	for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?');
	const byThread = new Map();
	for (const e of events) {
		if (e.ph !== 'X' || typeof e.dur !== 'number') continue;
		const key = `${e.pid}:${e.tid}`;
		if (!byThread.has(key)) byThread.set(key, []);
		byThread.get(key).push(e);
	}
	const groups = {};
	for (const [key, list] of byThread) {
		const kind = (names.get(key) ?? '?').replace(/\d+$/, '').replace(/\/.*$/, '');
		const self = (groups[kind] ??= {});
		list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
		const stack = [];
		for (const e of list) {
			while (stack.length && stack.at(-1).end <= e.ts) stack.pop();
			const parent = stack.at(-1);
			if (parent) self[parent.name] = (self[parent.name] ?? 0) - Math.min(e.dur, parent.end - e.ts);
			self[e.name] = (self[e.name] ?? 0) + e.dur;
			stack.push({ name: e.name, end: e.ts + e.dur });
		}
	}
	return Object.fromEntries(
		Object.entries(groups).map(([kind, self]) => {
			const total = Object.values(self).reduce((a, b) => a + b, 0);
			const list = Object.entries(self).sort((a, b) => b[1] - a[1]).slice(0, top).map(([n, us]) => [n, Math.round(us / 1000)]);
			return [kind, { totalMs: Math.round(total / 1000), top: Object.fromEntries(list) }];
		}).sort((a, b) => b[1].totalMs - a[1].totalMs)
	);
}

/** Each job of a search (seconds from `zero`, a page-clock origin): trial, rung, its span and the worker's stretches in ms. */
export function jobList(measures, zero) {
	const key = (m) => `${m.detail?.trialId}:${m.detail?.rung}`;
	const parts = new Map();
	for (const m of measures) {
		if (!m.name.startsWith('worker:')) continue;
		const own = parts.get(key(m)) ?? {};
		own[m.name.slice(7)] = Math.round((own[m.name.slice(7)] ?? 0) + m.ms);
		parts.set(key(m), own);
	}
	return measures
		.filter((m) => m.name === 'job')
		.map((m) => ({ trialId: m.detail.trialId, rung: m.detail.rung, start: Math.round(m.start - zero) / 1000, ms: Math.round(m.ms), ...parts.get(key(m)) }))
		.sort((a, b) => a.start - b.start);
}
