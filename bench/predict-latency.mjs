// Issue 7's prediction bar: batch-1 prediction from a raw row to a label in the built studio —
// the page's call, the page↔worker round trip, reading and encoding the row, the model, the
// label back on the page — against onnxruntime-node running Kiln's exported ONNX of the same
// model (the preprocessing inside the graph) on the same raw rows in Node. Interleaved rounds,
// p50 of many runs after warm-up. `BENCH_PARTS=predict npm run bench` runs it alone;
// `node bench/predict-latency.mjs` too (PREDICT_SKIP_BUILD=1 reuses build/).
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHROMIUM_PATH, chromiumArgs } from './browser-side.mjs';
import { serveSite } from './longtasks.mjs';
import { median, summarise } from './stats.mjs';

const DATASET = 'penguins';
const EPOCHS = 20;
// The importer's default missing words (workers/lib/data/import/types.ts DEFAULT_MISSING).
const MISSING = new Set(['', 'NA', 'N/A', 'null', 'NULL', 'NaN', 'nan', '?', '-']);

/** The shipped CSV's rows as a person would type them (all columns but the target), skipping rows with a missing cell. */
function rawRows(repo, features) {
	const [header, ...lines] = readFileSync(join(repo, `static/datasets/${DATASET}.csv`), 'utf8').trim().split('\n');
	const names = header.split(',');
	return lines
		.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [names[i], cell.trim()])))
		.filter((row) => features.every((f) => !MISSING.has(row[f])))
		.map((row) => Object.fromEntries(features.map((f) => [f, row[f]])));
}

/** What the exported graph takes (workers/lib/ship/preprocess-onnx.ts): raw numbers, category slots. */
function nodeFeeds(ort, prep) {
	const numeric = prep.features.filter((f) => f.kind === 'numeric');
	const categorical = prep.features.filter((f) => f.kind === 'categorical').map((f) => ({ f, slots: new Map(f.categories.map((c, k) => [c, k])) }));
	return (row) => {
		const feeds = {};
		if (numeric.length) {
			const data = new Float32Array(numeric.length);
			numeric.forEach((f, j) => {
				const text = row[f.name] ?? '';
				data[j] = MISSING.has(text) ? NaN : Number(text);
			});
			feeds.numeric = new ort.Tensor('float32', data, [1, numeric.length]);
		}
		for (const { f, slots } of categorical) {
			const text = row[f.name] ?? '';
			const slot = MISSING.has(text) ? -1 : (slots.get(text) ?? f.categories.length);
			feeds[`code:${f.name}`] = new ort.Tensor('int64', BigInt64Array.of(BigInt(slot)), [1]);
		}
		return feeds;
	};
}

/** Trains the demo's default MLP through the studio's UI and opens Predict with the bench hook on. */
async function trainedStudio(browser, origin, log) {
	const context = await browser.newContext({ baseURL: origin });
	await context.addInitScript(() => sessionStorage.setItem('kiln-bench-predict', '1'));
	const page = await context.newPage();
	page.on('pageerror', (error) => log(`page error: ${error.message}`));
	await page.goto('/');
	await page.getByLabel('Project name').fill('Prediction bench');
	await page.getByRole('button', { name: 'Create project' }).click();
	await page.getByRole('heading', { level: 1, name: 'Prediction bench' }).waitFor();
	await page.getByTestId(`demo-${DATASET}`).click();
	await page.getByTestId('dataset-summary').filter({ hasText: '344 rows' }).waitFor();
	await page.getByTestId('section-train').click();
	await page.getByTestId('epochs-input').fill(String(EPOCHS));
	await page.getByTestId('train-button').click();
	const job = page.getByTestId('train-job').first();
	await job.waitFor();
	await page.waitForFunction(() => !['queued', 'running'].includes(document.querySelector('[data-testid="train-job"]')?.getAttribute('data-status') ?? 'queued'), null, { timeout: 300_000, polling: 250 });
	const status = await job.getAttribute('data-status');
	if (status !== 'done') throw new Error(`the ${DATASET} training run ended ${status}: ${await job.innerText()}`);
	await page.getByTestId('section-predict').click();
	await page.waitForFunction(() => globalThis.__kilnPredictBench?.ready() === true, null, { timeout: 60_000 });
	return { context, page };
}

/** In the page: `runs` predictions (after `warmup`) through Predictor.label, each timed from the call to the label. */
function timeInPage({ rows, warmup, runs, runtime, what, lane }) {
	const hook = globalThis.__kilnPredictBench;
	hook.setRuntime(runtime);
	// The studio's own lane choice unless a row of the table names another (older builds have no switch).
	hook.setLane?.(lane?.mode ?? 'shared', lane?.pageSpinMs, lane?.laneSpinMs);
	const call = what === 'ping' ? () => hook.ping() : (i) => hook.label(rows[i % rows.length]);
	return (async () => {
		const labels = [];
		for (let i = 0; i < warmup; i++) await call(i);
		const times = new Float64Array(runs);
		for (let i = 0; i < runs; i++) {
			const start = performance.now();
			const label = await call(i);
			times[i] = performance.now() - start;
			if (i < rows.length) labels.push(label);
		}
		return { times: Array.from(times), labels };
	})();
}

async function timeInNode(session, feeds, rows, warmup, runs) {
	const call = async (i) => (await session.run(feeds(rows[i % rows.length]), ['label'])).label.data[0];
	for (let i = 0; i < warmup; i++) await call(i);
	const times = new Float64Array(runs);
	const labels = [];
	for (let i = 0; i < runs; i++) {
		const start = performance.now();
		const label = await call(i);
		times[i] = performance.now() - start;
		if (i < rows.length) labels.push(label);
	}
	return { times: Array.from(times), labels };
}

const p50 = (times) => median(times);

/**
 * Returns { rows: [{ label, p50s per round }], ratio per round, pick, agreement } — the studio's
 * default path (its measured runtime), each runtime by hand, the empty round trip, and ORT-node.
 */
export async function measurePredictLatency({ repo, log, build = true, rounds = 5, runs = 400, warmup = 50 }) {
	const site = await serveSite({ repo, build, log });
	const { chromium } = await import('@playwright/test');
	const ort = await import('onnxruntime-node');
	const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs(repo, log), headless: true });
	const loads = [loadavg()[0].toFixed(2)];
	try {
		log(`predict: training the ${DATASET} demo's MLP (${EPOCHS} epochs) in the studio on ${site.origin}…`);
		const { page } = await trainedStudio(browser, site.origin, log);
		const model = await page.evaluate(() => globalThis.__kilnPredictBench.model());
		if (!model.preprocessing) throw new Error('the trained model has no built-in preprocessing, so no raw-row ONNX export');
		const features = model.preprocessing.features.map((f) => f.name);
		const rows = rawRows(repo, features).slice(0, 64);
		// The first prediction measures and stores the studio's pick; the ONNX export is the file Ship downloads.
		const first = await page.evaluate((row) => globalThis.__kilnPredictBench.label(row), rows[0]);
		const pick = await page.evaluate(() => globalThis.__kilnPredictBench.pick());
		const onnxBytes = Uint8Array.from(await page.evaluate(() => globalThis.__kilnPredictBench.onnx()));
		const session = await ort.InferenceSession.create(onnxBytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
		const feeds = nodeFeeds(ort, model.preprocessing);
		const shared = await page.evaluate(() => globalThis.__kilnPredictBench.sharedLane?.() ?? false);
		const js = pick?.timings.some((t) => t.runtime === 'js');
		log(`predict: shared-memory lane ${shared ? 'available (cross-origin isolated)' : 'unavailable'}; first label ${first}; studio pick ${pick ? `${pick.runtime} (${pick.timings.map((t) => `${t.runtime} ${t.ms.toFixed(3)} ms`).join(', ')})` : 'none (one runtime)'}; ONNX ${onnxBytes.length} bytes, ${features.length} raw columns, ${rows.length} rows`);

		const studio = (runtime, lane) => async () => page.evaluate(timeInPage, { rows, warmup, runs, runtime, what: 'label', lane });
		const plan = [
			{ short: 'studio', label: 'studio, Predict default (measured pick)', run: studio('auto') },
			{ short: 'tfjs', label: 'studio, TensorFlow.js by hand', run: studio('tfjs'), optional: !pick?.timings.some((t) => t.runtime === 'tfjs') },
			{ short: 'js', label: 'studio, plain JavaScript by hand', run: studio('js'), optional: !js },
			// The plain forward's lanes side by side: shared memory as the studio sets it (the page polls ≤ 2 ms, then waitAsync; the lane polls 2 ms after each answer, then sleeps in Atomics.wait), the page awaiting at once, the lane sleeping at once or polling 0.1 / 2 ms after each answer, and the message lane.
			{ short: 'js-await', label: 'plain JS, shared lane, page awaits (waitAsync)', run: studio('js', { mode: 'shared', pageSpinMs: 0 }), optional: !js || !shared },
			{ short: 'js-sleep', label: 'plain JS, shared lane, lane sleeps at once', run: studio('js', { mode: 'shared', laneSpinMs: 0 }), optional: !js || !shared },
			{ short: 'js-poll.1', label: 'plain JS, shared lane, lane polls 0.1 ms', run: studio('js', { mode: 'shared', laneSpinMs: 0.1 }), optional: !js || !shared },
			{ short: 'js-poll2', label: 'plain JS, shared lane, lane polls 2 ms', run: studio('js', { mode: 'shared', laneSpinMs: 2 }), optional: !js || !shared },
			{ short: 'js-msg', label: 'plain JS, message lane (session 7)', run: studio('js', { mode: 'message' }), optional: !js },
			{ short: 'ort-web', label: 'studio, ONNX Runtime Web by hand', run: studio('onnx:float32') },
			{ short: 'ping', label: 'empty page↔worker message round trip', run: async () => page.evaluate(timeInPage, { rows, warmup, runs, runtime: 'auto', what: 'ping' }) },
			{ short: 'ort-node', label: 'onnxruntime-node (same ONNX, same rows)', run: () => timeInNode(session, feeds, rows, warmup, runs), node: true }
		].filter((p) => !p.optional);
		const results = Object.fromEntries(plan.map((p) => [p.label, []]));
		const agreement = { compared: 0, same: 0 };
		for (let round = 0; round < rounds; round++) {
			loads.push(loadavg()[0].toFixed(2));
			// Node first in odd rounds, so neither side always runs right after the other.
			const order = round % 2 === 0 ? plan : [...plan].reverse();
			const labels = {};
			for (const item of order) {
				const { times, labels: got } = await item.run();
				results[item.label].push(p50(times));
				labels[item.label] = got;
			}
			const want = labels[plan.at(-1).label];
			const studioLabels = labels[plan[0].label];
			for (let i = 0; i < want.length; i++) {
				agreement.compared++;
				if (want[i] === studioLabels[i]) agreement.same++;
			}
			log(`round ${round + 1} predict (load ${loads.at(-1)}): ${plan.map((p) => `${p.short} ${results[p.label].at(-1).toFixed(3)} ms`).join(' · ')}`);
		}
		loads.push(loadavg()[0].toFixed(2));
		const node = results[plan.at(-1).label];
		const studioDefault = results[plan[0].label];
		const perRound = studioDefault.map((s, i) => s / node[i]);
		return {
			dataset: DATASET,
			epochs: EPOCHS,
			rowsCycled: rows.length,
			runs,
			warmup,
			rounds,
			onnxBytes: onnxBytes.length,
			pick,
			chromium: browser.version(),
			loads,
			agreement,
			figures: plan.map((p) => ({ label: p.label, p50s: results[p.label], summary: summarise(results[p.label]) })),
			ratio: median(studioDefault) / median(node),
			perRound: summarise(perRound)
		};
	} finally {
		await browser.close();
		await site.close();
	}
}

export function formatPredictLatency(r) {
	const lines = [
		`Prediction latency (issue 7): one raw ${r.dataset} row → label, the demo's default MLP trained ${r.epochs} epochs in the studio; p50 of ${r.runs} calls after ${r.warmup} warm-up, cycling ${r.rowsCycled} real rows, ${r.rounds} interleaved rounds (median over rounds, min–max). Load (1 min) ${r.loads.join(' → ')}.`,
		`studio's pick: ${r.pick ? `${r.pick.runtime} — ${r.pick.timings.map((t) => `${t.runtime} ${t.ms.toFixed(3)} ms`).join(', ')} (${r.pick.source})` : 'none'}; labels agree with onnxruntime-node on ${r.agreement.same}/${r.agreement.compared} rows.`,
		...r.figures.map((f) => `  ${f.label.padEnd(48)} p50 ${f.summary.median.toFixed(3)} ms  (${f.summary.min.toFixed(3)}–${f.summary.max.toFixed(3)})`),
		`  ratio studio ÷ onnxruntime-node: ${r.ratio.toFixed(2)}× (per round ${r.perRound.min.toFixed(2)}–${r.perRound.max.toFixed(2)}×; bar ≤ 1.2×)`
	];
	const ping = r.figures.find((f) => f.label.startsWith('empty'));
	const node = r.figures.at(-1);
	if (ping && node && ping.summary.median > 1.2 * node.summary.median) {
		lines.push(`  floor of the message lane: an empty page↔worker round trip alone (p50 ${ping.summary.median.toFixed(3)} ms) is ${(ping.summary.median / node.summary.median).toFixed(1)}× onnxruntime-node's whole prediction; only the shared-memory lane can come near 1.2×.`);
	}
	return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const repo = join(import.meta.dirname, '..');
	const result = await measurePredictLatency({ repo, log: (m) => process.stderr.write(`[bench] ${m}\n`), build: process.env.PREDICT_SKIP_BUILD !== '1', rounds: Number(process.env.BENCH_ROUNDS ?? 5) });
	console.log(formatPredictLatency(result));
}
