// What a main-thread long task is made of, from a Chrome trace (Playwright's browser.startTracing):
// the task's wall and thread-CPU time, its nested timeline events by self time (script, style,
// layout, GC …), and the JS functions the V8 sampler caught inside it.

import { traceNames } from './import-threads.mjs';

export const TRACE_CATEGORIES = [
	'toplevel',
	'devtools.timeline',
	'disabled-by-default-devtools.timeline',
	'disabled-by-default-devtools.timeline.frame',
	'v8.execute',
	'v8',
	'blink.user_timing',
	'disabled-by-default-v8.cpu_profiler'
];
const TASK_NAMES = new Set(['RunTask', 'ThreadControllerImpl::RunTask']);
const LONG_US = 50_000;
export const START_MARK = 'kiln-bench:train-start';
export const END_MARK = 'kiln-bench:train-end';

/** "/_app/…/x.js:12:34 (src/lib/…:56)" when the build has source maps, else the first part. */
function where(url, line, column, mapSource) {
	if (!url) return '';
	const path = shortUrl(url);
	const mapped = line != null && column != null ? mapSource?.(path.replace(/^\//, ''), line, column) : null;
	return ` ${path}${line != null ? `:${line}` : ''}${column != null ? `:${column}` : ''}${mapped ? ` (${mapped})` : ''}`;
}

function label(e, mapSource) {
	const d = e.args?.data ?? {};
	// Trace events count lines and columns from 1 here; V8's call frames (below) from 0.
	const at = where(d.url, d.lineNumber, d.columnNumber, mapSource);
	if (e.name === 'FunctionCall') return `FunctionCall ${d.functionName || '(anonymous)'}${at}`;
	if (e.name === 'EventDispatch') return `EventDispatch ${d.type ?? ''}`;
	if (e.name === 'TimerFire' || e.name === 'FireAnimationFrame') return e.name;
	return `${e.name}${at}`;
}

const shortUrl = (url) => url.replace(/^https?:\/\/[^/]+/, '');

function frameLabel(callFrame, mapSource) {
	const { functionName, url, lineNumber, columnNumber } = callFrame;
	return `${functionName || '(anonymous)'}${where(url, lineNumber + 1, columnNumber + 1, mapSource)}`;
}

/** Every V8 sample of one thread as { t (µs, trace clock), stack: [frame labels, leaf last] }. */
export function samplesOf(events, pid, tid, mapSource) {
	const profiles = new Map();
	for (const e of events) {
		if (e.pid !== pid || (e.name !== 'Profile' && e.name !== 'ProfileChunk')) continue;
		const id = e.id ?? e.id2?.local;
		if (!profiles.has(id)) profiles.set(id, { tid: null, time: null, nodes: new Map(), samples: [] });
		const p = profiles.get(id);
		const data = e.args?.data ?? {};
		if (e.name === 'Profile') {
			p.tid = e.tid;
			p.time = data.startTime;
			continue;
		}
		for (const node of data.cpuProfile?.nodes ?? []) p.nodes.set(node.id, node);
		const ids = data.cpuProfile?.samples ?? [];
		const deltas = data.timeDeltas ?? [];
		for (let i = 0; i < ids.length; i++) p.samples.push({ id: ids[i], delta: deltas[i] ?? 0 });
	}
	const out = [];
	for (const p of profiles.values()) {
		if (p.tid !== tid || p.time == null) continue;
		let t = p.time;
		const stackOf = new Map();
		const stack = (id) => {
			if (stackOf.has(id)) return stackOf.get(id);
			const node = p.nodes.get(id);
			const value = node ? [...(node.parent != null ? stack(node.parent) : []), frameLabel(node.callFrame, mapSource)] : [];
			stackOf.set(id, value);
			return value;
		};
		for (const s of p.samples) {
			t += s.delta;
			out.push({ t, stack: stack(s.id).filter((f) => f !== '(root)') });
		}
	}
	return out.sort((a, b) => a.t - b.t);
}

function topEntries(map, n) {
	return [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
}

/**
 * Long tasks (≥ 50 ms) of the page's main thread between the bench's two user-timing marks,
 * each broken down. A task nested in a longer one (RunTask inside ThreadControllerImpl::RunTask)
 * counts once.
 */
export function analyseTrace(json, mapSource = null) {
	const events = Array.isArray(json) ? json : json.traceEvents;
	const startMark = events.find((e) => e.name === START_MARK);
	const endMark = events.find((e) => e.name === END_MARK && (!startMark || e.pid === startMark.pid));
	if (!startMark || !endMark) return { error: `the trace lacks the ${START_MARK} / ${END_MARK} marks`, longTasks: [] };
	const { pid } = startMark;
	// Each thread's samples read once: busyBeside asks for the same threads task after task.
	const sampled = new Map();
	const samplesOfThread = (p, t) => sampled.get(`${p}:${t}`) ?? sampled.set(`${p}:${t}`, samplesOf(events, p, t, mapSource)).get(`${p}:${t}`);
	const mainThreads = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === pid && e.args?.name === 'CrRendererMain').map((e) => [e.pid, e.tid]);
	const tasks = [];
	for (const [pid, tid] of mainThreads) {
		const own = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && typeof e.dur === 'number').sort((a, b) => a.ts - b.ts || b.dur - a.dur);
		const long = [];
		for (const e of own) {
			if (!TASK_NAMES.has(e.name) || e.dur < LONG_US || e.ts + e.dur < startMark.ts || e.ts > endMark.ts) continue;
			const outer = long.at(-1);
			if (outer && e.ts + e.dur <= outer.ts + outer.dur) continue;
			long.push(e);
		}
		if (long.length === 0) continue;
		const samples = samplesOfThread(pid, tid);
		for (const task of long) {
			const end = task.ts + task.dur;
			const inside = own.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= end);
			// Self time per event label: an event's duration minus its direct children's.
			const self = new Map();
			const stack = [];
			for (const e of inside) {
				while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
				if (stack.length) stack.at(-1).childUs += e.dur;
				stack.push({ ts: e.ts, dur: e.dur, childUs: 0, label: label(e, mapSource) });
				e.__node = stack.at(-1);
			}
			for (const e of inside) {
				const node = e.__node;
				self.set(node.label, (self.get(node.label) ?? 0) + Math.max(0, node.dur - node.childUs));
				delete e.__node;
			}
			const within = samples.filter((s) => s.t >= task.ts && s.t <= end);
			const leaf = new Map();
			const inclusive = new Map();
			for (const s of within) {
				const top = s.stack.at(-1) ?? '(none)';
				leaf.set(top, (leaf.get(top) ?? 0) + 1);
				for (const f of new Set(s.stack)) inclusive.set(f, (inclusive.get(f) ?? 0) + 1);
			}
			tasks.push({
				// Playwright's own injected scripts, not Kiln's code.
				harness: within.some((s) => s.stack.some((f) => /^(InjectedScript|UtilityScript)\b/.test(f))),
				afterTrainMs: (task.ts - startMark.ts) / 1000,
				durationMs: task.dur / 1000,
				threadCpuMs: typeof task.tdur === 'number' ? task.tdur / 1000 : null,
				selfMs: topEntries(self, 10).map(([name, us]) => ({ name, ms: us / 1000 })),
				samples: within.length,
				leafSamples: topEntries(leaf, 10).map(([frame, count]) => ({ frame, count })),
				inclusiveSamples: topEntries(inclusive, 14).map(([frame, count]) => ({ frame, count })),
				// Kiln's own frames (source-mapped to src/ or workers/), below the framework's.
				appSamples: topEntries(new Map([...inclusive].filter(([f]) => /\((src|workers|shared)\//.test(f))), 10).map(([frame, count]) => ({ frame, count })),
				beside: busyBeside(events, [pid, tid], task.ts, end, samplesOfThread)
			});
		}
	}
	return { windowMs: (endMark.ts - startMark.ts) / 1000, longTasks: tasks.sort((a, b) => b.durationMs - a.durationMs) };
}

/**
 * The other threads' CPU while a main-thread task ran, most first (top-level events clipped to the
 * task's span, thread time pro rata): a task with far more wall than CPU time waited for a core,
 * and this says who had it.
 */
function busyBeside(events, [pid, tid], from, to, samplesOfThread) {
	const { names, procs } = traceNames(events);
	const threads = new Map();
	for (const e of events) {
		if (e.ph !== 'X' || typeof e.dur !== 'number' || (e.pid === pid && e.tid === tid) || e.ts + e.dur <= from || e.ts >= to) continue;
		const key = `${e.pid}:${e.tid}`;
		(threads.get(key) ?? threads.set(key, []).get(key)).push(e);
	}
	const busy = [];
	for (const [key, list] of threads) {
		let cpuUs = 0;
		let until = -Infinity;
		for (const e of list.sort((a, b) => a.ts - b.ts)) {
			if (e.ts < until) continue;
			until = e.ts + e.dur;
			const overlap = Math.min(until, to) - Math.max(e.ts, from);
			cpuUs += typeof e.tdur === 'number' && e.dur > 0 ? (e.tdur * overlap) / e.dur : 0;
		}
		const [p, t] = key.split(':').map(Number);
		if (cpuUs < 2000) continue;
		// What a worker ran meanwhile: its sampled JS (Kiln's own frames first), so the thread has a name.
		const inclusive = new Map();
		for (const sample of samplesOfThread(p, t).filter((x) => x.t >= from && x.t <= to)) for (const f of new Set(sample.stack)) inclusive.set(f, (inclusive.get(f) ?? 0) + 1);
		const own = topEntries(new Map([...inclusive].filter(([f]) => /\((src|workers|shared)\//.test(f))), 3);
		const frames = (own.length ? own : topEntries(inclusive, 3)).map(([frame, count]) => `${count}× ${frame}`);
		busy.push({ thread: `${procs.get(p) ?? '?'} / ${names.get(key) ?? '?'}`, cpuMs: cpuUs / 1000, frames });
	}
	return busy.sort((a, b) => b.cpuMs - a.cpuMs).slice(0, 6);
}

const f0 = (v) => (v == null || !Number.isFinite(v) ? '—' : v.toFixed(0));

function frameLine(frame) {
	const scripts = frame.scripts
		.map((s) => `${s.type} ${s.invoker} ${f0(s.duration)} ms${s.forcedLayout ? ` (forced style+layout ${f0(s.forcedLayout)} ms)` : ''}${s.fn ? ` ${s.fn}` : ''}${s.source ? ` (${s.source})` : ''}`)
		.join('; ');
	return `  long animation frame at +${f0(frame.afterTrainMs)} ms: ${f0(frame.duration)} ms (blocking ${f0(frame.blocking)}, style+layout ${f0(frame.styleAndLayout)}): ${scripts || 'no script attributed'}`;
}

/** The long-task part of the bench output. */
export function formatLongTasks(r) {
	const lines = [
		`Long tasks on the studio page (PerformanceObserver 'longtask', > 50 ms) while the digits demo trains (${r.epochs} epochs, patience 0): ${r.count} long task(s), longest ${f0(r.longestMs)} ms, ${f0(r.totalMs)} ms in all, over ${(r.runMs / 1000).toFixed(1)} s from Train to the job's end (job ${r.status}; target 0).`
	];
	if (r.count > 0) lines.push(`  long tasks (ms after Train: duration): ${r.longTasks.map((t) => `+${f0(t.afterTrainMs)}: ${f0(t.duration)}`).join(', ')}`);
	for (const frame of [...r.longFrames].sort((a, b) => b.duration - a.duration).slice(0, 4)) lines.push(frameLine(frame));
	if (r.traced) {
		const trace = r.traced.trace;
		lines.push(`  traced run (only to attribute them; tracing slows the page): ${r.traced.count} long task(s), longest ${f0(r.traced.longestMs)} ms; raw trace ${r.traced.tracePath} (open in chrome://tracing or ui.perfetto.dev).`);
		if (trace.error) lines.push(`  trace: ${trace.error}`);
		const busy = trace.longTasks.filter((t) => t.threadCpuMs == null || t.threadCpuMs >= 50).length;
		lines.push(`  main-thread tasks ≥ 50 ms wall in the trace: ${trace.longTasks.length}, of which ${busy} used ≥ 50 ms of thread CPU; the rest spent most of their time waiting for a core (machine load), not working.`);
		for (const t of trace.longTasks.slice(0, 6)) {
			lines.push(`  - at +${f0(t.afterTrainMs)} ms: ${f0(t.durationMs)} ms wall, ${f0(t.threadCpuMs)} ms thread CPU, ${t.samples} JS samples${t.harness ? ' — Playwright’s injected script (the harness), not Kiln' : ''}`);
			lines.push(`    self time ms: ${t.selfMs.filter((s) => s.ms >= 0.5).map((s) => `${s.name} ${s.ms.toFixed(1)}`).join(' · ')}`);
			if (t.samples > 0) {
				lines.push(`    JS leaf frames: ${t.leafSamples.slice(0, 6).map((s) => `${s.frame} ×${s.count}`).join(' · ')}`);
				lines.push(`    JS call chain (inclusive): ${t.inclusiveSamples.map((s) => `${s.frame} ×${s.count}`).join(' · ')}`);
			}
		}
	}
	return lines.join('\n');
}
