// How much of the tune bench's ASHA figure is the grid's order: replays standard ASHA (Li et al.
// 2020, as workers/lib/tune/scheduler.ts runs it: promotions first, from the top rung down, the
// best not-yet-promoted trial in the top 1/η of a rung; else the next config) on 2 slots over the
// bench's 3 × 3 × 3 digits grid, with each config's measured validation curve and measured time
// per epoch, in the bench's grid order and in seeded random orders of the same 27 configs.
//   node bench/tune-asha-order.mjs [bench/out/tune.json] [orders=200]
// Needs a tune.json written by `node bench/tune-bench.mjs` since session 7 (grid trials carry
// their per-epoch validation loss; `asha.gridJobList` the time of every grid job). A promotion
// trains only its extra epochs (it resumes from its lower rung's state, bit for bit the same
// curve as training straight through: trial.spec.ts), so a config's score at epoch 3, 9 and 27 is
// its grid curve's. Not a test; no timing of its own.
import { readFileSync } from 'node:fs';
import { mulberry32 as rng } from '../scripts/rng.mjs';

const file = process.argv[2] ?? new URL('./out/tune.json', import.meta.url).pathname;
const ORDERS = Number(process.argv[3] ?? 200);
const { asha } = JSON.parse(readFileSync(file, 'utf8'));
// In grid order (samplers.ts' gridPoint: the space's first parameter slowest, each axis ascending):
// neither run's trial numbers are grid positions (the plain grid starts costliest first since
// session 8, ASHA shuffles the grid since session 9), so the configs are sorted.
const lexicographic = (a, b) => {
	for (const key of Object.keys(a)) if (a[key] !== b[key]) return typeof a[key] === 'number' ? a[key] - b[key] : String(a[key]).localeCompare(String(b[key]));
	return 0;
};
const gridPosition = new Map([...asha.gridTrials].map((t) => t.config).sort(lexicographic).map((c, i) => [JSON.stringify(c), i]));
const trials = [...asha.gridTrials].filter((t) => t.valLoss?.length >= 27).sort((a, b) => (gridPosition.get(JSON.stringify(a.config)) ?? a.id) - (gridPosition.get(JSON.stringify(b.config)) ?? b.id));
if (trials.length !== 27) throw new Error(`${file}: grid trials without their 27-epoch curves; re-run the tune bench`);
const jobs = new Map(asha.gridJobList.map((j) => [j.trialId, j]));
// Milliseconds per epoch of each config (its setup's first batch included), and what a job costs
// besides its epochs; a worker's first job also starts the worker (boot).
const perEpoch = trials.map((t) => (jobs.get(t.id).setup + jobs.get(t.id).epochs) / 27);
const extra = (j) => j.ms - j.setup - j.epochs;
const later = asha.gridJobList.slice(2).map(extra);
const FIXED = later.reduce((a, b) => a + b, 0) / later.length;
const BOOT = Math.max(0, (extra(asha.gridJobList[0]) + extra(asha.gridJobList[1])) / 2 - FIXED);
const RUNGS = [3, 9, 27];
const ETA = 3;
const target = Math.min(...trials.map((t) => t.valLoss[26]));

/** Finish time of `order`'s best-score moment under ASHA (or of the full grid), in ms. */
function simulate(order, { halving, fixed = FIXED, boot = BOOT }) {
	const state = []; // per proposed trial: { config, results: [{ rung, score|null (running) }] }
	const slots = [0, 0].map(() => ({ free: 0, booted: false }));
	const running = [];
	let next = 0;
	let reached = null;
	let clock = 0;
	const promotion = () => {
		for (let k = RUNGS.length - 2; k >= 0; k--) {
			const done = state.filter((t) => t.results[k]?.score != null).sort((a, b) => a.results[k].score - b.results[k].score || a.id - b.id);
			const top = done.slice(0, Math.floor(done.length / ETA));
			const c = top.find((t) => t.results.length === k + 1);
			if (c) return { trial: c, rung: k + 1 };
		}
		return null;
	};
	const nextJob = () => {
		if (halving) {
			const p = promotion();
			if (p) return p;
		}
		if (next >= order.length) return null;
		const trial = { id: next, config: order[next], results: [] };
		next++;
		state.push(trial);
		return { trial, rung: 0 };
	};
	const start = (slot) => {
		const job = nextJob();
		if (!job) return false;
		const budget = halving ? RUNGS[job.rung] : 27;
		const from = halving && job.rung > 0 ? RUNGS[job.rung - 1] : 0;
		job.trial.results[job.rung] = { score: null };
		const ms = fixed + (slot.booted ? 0 : boot) + (budget - from) * perEpoch[job.trial.config];
		slot.booted = true;
		running.push({ job, budget, slot, end: clock + ms });
		return true;
	};
	for (const s of slots) start(s);
	while (running.length > 0) {
		running.sort((a, b) => a.end - b.end);
		const done = running.shift();
		clock = done.end;
		const score = trials[done.job.trial.config].valLoss[done.budget - 1];
		done.job.trial.results[done.job.rung].score = score;
		if (done.budget === 27 && score <= target + 1e-12 && reached === null) reached = clock;
		// A freed slot asks at once; an idle one asks again whenever a job ends (the runner's launch loop).
		for (const s of slots) if (!running.some((r) => r.slot === s)) start(s);
	}
	return { reached, end: clock };
}

const gridOrder = trials.map((_, i) => i);
// Infinity: ASHA never trained the grid's best config to the full budget (it was stopped at a lower rung).
const ratio = (order, costs = {}) => (simulate(order, { halving: true, ...costs }).reached ?? Infinity) / simulate(order, { halving: false, ...costs }).end;
const orders = Array.from({ length: ORDERS }, (_, s) => {
	const r = rng(s + 1);
	const o = [...gridOrder];
	for (let i = o.length - 1; i > 0; i--) {
		const j = Math.floor(r() * (i + 1));
		[o[i], o[j]] = [o[j], o[i]];
	}
	return o;
});
// Since session 9 a grid searched with ASHA visits its points in a seeded shuffled order
// (samplers.ts, `shuffle`, the search's seed: the form's default is 42): the same Fisher–Yates
// over the same mulberry32 stream as the random orders here.
const SEED = Number(process.env.TUNE_SEED ?? 42);
const studioOrder = (() => {
	const r = rng(SEED);
	const o = [...gridOrder];
	for (let i = o.length - 1; i > 0; i--) {
		const j = Math.floor(r() * (i + 1));
		[o[i], o[j]] = [o[j], o[i]];
	}
	return o;
})();
const summary = (values) => {
	const v = [...values].sort((a, b) => a - b);
	const q = (p) => v[Math.min(v.length - 1, Math.floor(p * v.length))];
	const share = (f) => +(v.filter(f).length / v.length).toFixed(2);
	const reached = v.filter((x) => x !== Infinity);
	const medianWhenReached = reached.length > 0 ? +reached[Math.floor((reached.length - 1) / 2)].toFixed(3) : null;
	return { median: +q(0.5).toFixed(3), p25: +q(0.25).toFixed(3), p75: +q(0.75).toFixed(3), atMostOneThird: share((x) => x <= 1 / 3), neverReached: share((x) => x === Infinity), medianWhenReached };
};
const grid = simulate(gridOrder, { halving: false });
const result = {
	measured: { ratio: asha.ratio, gridSeconds: asha.gridSeconds, ashaReachedGridBestAt: asha.ashaReachedGridBestAt },
	costs: { fixedMsPerJob: Math.round(FIXED), bootMsPerWorker: Math.round(BOOT), msPerEpoch: perEpoch.map(Math.round).join(' ') },
	replayedGridSeconds: +(grid.end / 1000).toFixed(1),
	gridOrder: { ratio: +ratio(gridOrder).toFixed(3), withoutJobCosts: +ratio(gridOrder, { fixed: 0, boot: 0 }).toFixed(3) },
	shuffledOrder: { seed: SEED, ratio: +ratio(studioOrder).toFixed(3), withoutJobCosts: +ratio(studioOrder, { fixed: 0, boot: 0 }).toFixed(3) },
	randomOrders: { orders: ORDERS, ratio: summary(orders.map((o) => ratio(o))), withoutJobCosts: summary(orders.map((o) => ratio(o, { fixed: 0, boot: 0 }))) }
};
console.log(JSON.stringify(result, null, 2));
