// Scores selection rules for "Find a model" on the numbers find-rules.mjs recorded (no fitting,
// runs in a second). For each rule: the mean holdout of its picks, the gap to the per-split best
// (the best holdout of any family on that split: what find-model.mjs reports) and to the family
// with the best mean holdout over the seeds, on seeds 1–5 (the bench's) and on the later seeds
// (rows the rules were not looked at on). Run: node bench/quality/find-rules-score.mjs [set …]
// (records of FIND_SPLIT=quality runs are the sets named <set>-quality).
import { readFileSync } from 'node:fs';

const DIR = process.env.FIND_RULES_OUT ?? '/tmp/kiln-find-rules';
const sets = process.argv.slice(2).length ? process.argv.slice(2) : ['iris', 'wine'];
const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
const std = (a) => Math.sqrt(mean(a.map((v) => (v - mean(a)) ** 2)));
const first = (entry, r, folds) => entry.scores.slice(0, r * folds);
const argmax = (items, f) => items.reduce((b, x) => (f(x) > f(b) + 1e-12 ? x : b));

/** Each rule: (families in the plan's order, their recorded entries, folds) → the family picked. */
const rules = {
	// The studio's rule: simplest family within one standard error (leader's fold std / √folds) of the best mean, 3 deals.
	'one-SE, 3 deals (studio)': (order, e, k) => oneSe(order, e, k, 3),
	'one-SE, 10 deals': (order, e, k) => oneSe(order, e, k, 10),
	'best mean, 3 deals': (order, e, k) => argmax(order, (f) => mean(first(e[f], 3, k))),
	'best mean, 10 deals': (order, e, k) => argmax(order, (f) => mean(first(e[f], 10, k))),
	// Paired: the same folds score every family, so the leader's lead over a family has its own, smaller, error.
	'paired one-SE, 3 deals': (order, e, k) => pairedSe(order, e, k, 3, 1),
	'paired one-SE, 10 deals': (order, e, k) => pairedSe(order, e, k, 10, 1),
	'paired half-SE, 10 deals': (order, e, k) => pairedSe(order, e, k, 10, 0.5)
};
function oneSe(order, e, k, r) {
	const means = Object.fromEntries(order.map((f) => [f, mean(first(e[f], r, k))]));
	const leader = argmax(order, (f) => means[f]);
	const margin = std(first(e[leader], r, k)) / Math.sqrt(k);
	return order.find((f) => means[f] >= means[leader] - margin - 1e-12);
}
function pairedSe(order, e, k, r, width) {
	const means = Object.fromEntries(order.map((f) => [f, mean(first(e[f], r, k))]));
	const leader = argmax(order, (f) => means[f]);
	const lead = first(e[leader], r, k);
	return order.find((f) => {
		const diff = first(e[f], r, k).map((s, i) => lead[i] - s);
		return mean(diff) <= (width * std(diff)) / Math.sqrt(k) + 1e-12;
	});
}

for (const set of sets) {
	const record = JSON.parse(readFileSync(`${DIR}/${set}.json`, 'utf8'));
	const { order, folds } = record;
	// Holdout size: the smallest row count that makes every recorded holdout accuracy a whole number of rows.
	const accuracies = Object.values(record.seeds).flatMap((e) => Object.values(e).map((v) => v.holdout));
	record.holdoutRows = Array.from({ length: 1000 }, (_, i) => i + 1).find((m) => accuracies.every((a) => Math.abs(a * m - Math.round(a * m)) < 1e-6));
	const seeds = Object.keys(record.seeds).map(Number).sort((a, b) => a - b);
	const groups = { 'seeds 1–5': seeds.filter((s) => s <= 5), [`seeds 6–${Math.max(...seeds)}`]: seeds.filter((s) => s > 5), [`all ${seeds.length}`]: seeds };
	console.log(`\n${set}: ${seeds.length} seeds, ${folds} folds × ${record.repeats} deals recorded; ${record.holdoutRows} holdout rows`);
	for (const [label, group] of Object.entries(groups)) {
		if (group.length === 0) continue;
		const holdout = (f, s) => record.seeds[s][f].holdout;
		const familyMeans = Object.fromEntries(order.map((f) => [f, mean(group.map((s) => holdout(f, s)))]));
		const bestFamily = argmax(order, (f) => familyMeans[f]);
		const perSplitBest = mean(group.map((s) => Math.max(...order.map((f) => holdout(f, s)))));
		console.log(`  ${label}: per-split best ${perSplitBest.toFixed(3)}; holdout means ${order.map((f) => `${f} ${familyMeans[f].toFixed(3)}`).join(', ')}; best family ${bestFamily}`);
		console.log(`    CV means (${record.repeats} deals): ${order.map((f) => `${f} ${mean(group.map((s) => mean(record.seeds[s][f].scores))).toFixed(3)}`).join(', ')}`);
		// How far apart a family's holdout and the per-split best are, seed by seed: the spread a 5-seed mean carries.
		const gapsOfBest = group.map((s) => holdout(bestFamily, s) - Math.max(...order.map((f) => holdout(f, s))));
		console.log(`    ${bestFamily} (the best family in hindsight) against the per-split best: mean ${mean(gapsOfBest).toFixed(3)}, per-seed std ${std(gapsOfBest).toFixed(3)}; one holdout row = ${(1 / record.holdoutRows).toFixed(3)}`);
		for (const [name, rule] of Object.entries(rules)) {
			const picks = group.map((s) => rule(order, record.seeds[s], folds));
			const picked = mean(group.map((s, i) => holdout(picks[i], s)));
			const counts = Object.entries(picks.reduce((c, f) => ((c[f] = (c[f] ?? 0) + 1), c), {})).map(([f, c]) => `${f}×${c}`).join(' ');
			console.log(`    ${name.padEnd(26)} ${picked.toFixed(3)}  gap to per-split best ${(picked - perSplitBest).toFixed(3)}, to ${bestFamily} ${(picked - familyMeans[bestFamily]).toFixed(3)}  (${counts})`);
		}
	}
}
