// Selection rules for "Find a model", studied on recorded numbers (accuracy only, no timing).
// Step 1 (this script, slow): for each set and seed, every family Find plans is cross-validated on
// the run's non-holdout rows with the folds dealt FIND_MAX_REPEATS times (default 10; the first 3
// deals are exactly what the studio runs under 1,000 rows), and trained as a normal run for its
// holdout score. Everything is written to FIND_RULES_OUT (default /tmp/kiln-find-rules/<set>.json),
// one seed at a time, so a run can be split (FIND_SEED_LIST) and resumed.
// Step 2: `node bench/quality/find-rules-score.mjs` scores each rule on those numbers.
// FIND_SPLIT=quality: on the quality table's split instead (run.mjs: stratified 80/20), the folds
// dealt over its 80 % and each family fitted once on the 80 % and scored on the 20 % (the protocol
// of find-quality.mjs); records go to <set>-quality.json.
// Run: QUALITY_ONLY=iris,wine FIND_SEED_LIST=1,2,3,4,5 node bench/quality/find-rules.mjs
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { classicConfig, crossValidate, crossValidateMlp, defaultParams, DEFAULT_CONFIG, findMlpConfig, findSets, headline, holdoutScore, planSearch, qualitySplit, shipped, trainClassic, trainModel } from './find-common.mjs';

const SEEDS = process.env.FIND_SEED_LIST ? process.env.FIND_SEED_LIST.split(',').map(Number) : [1, 2, 3, 4, 5];
const FOLDS = 5;
const REPEATS = Number(process.env.FIND_MAX_REPEATS ?? 10);
const ONLY = (process.env.QUALITY_ONLY ?? 'iris,wine').split(',');
const OUT = process.env.FIND_RULES_OUT ?? '/tmp/kiln-find-rules';
const QUALITY_SPLIT = process.env.FIND_SPLIT === 'quality';
mkdirSync(OUT, { recursive: true });
const SETS = findSets(ONLY).filter((s) => s.id !== 'penguins-mass' && s.id !== 'digits');

for (const set of SETS) {
	const file = `${OUT}/${set.id}${QUALITY_SPLIT ? '-quality' : ''}.json`;
	const record = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { set: set.id, folds: FOLDS, repeats: REPEATS, seeds: {} };
	const table = shipped(set.file);
	const features = table.columns.map((c) => c.name).filter((n) => n !== set.target);
	const facts = { rows: table.rowCount, numericColumns: 0, categoricalColumns: 0, classes: table.columns.find((c) => c.name === set.target).categories?.length ?? 0, task: set.task };
	for (const c of table.columns) if (c.name !== set.target) facts[c.kind === 'numeric' ? 'numericColumns' : 'categoricalColumns']++;
	const plan = planSearch(facts, FOLDS);
	record.order = plan.families;
	for (const seed of SEEDS) {
		if (record.seeds[seed]) continue;
		const base = { ...DEFAULT_CONFIG, target: set.target, task: set.task, features, seed };
		const entry = {};
		const split = QUALITY_SPLIT ? qualitySplit(table, set, seed) : null;
		const rows = split?.train;
		for (const family of plan.families) {
			const mlp = family === 'mlp';
			const config = mlp ? findMlpConfig(base) : classicConfig(base, { family, params: defaultParams(family, set.task) });
			const cv = mlp ? await crossValidateMlp(table, config, FOLDS, { repeats: REPEATS, rows }) : crossValidate(table, config, FOLDS, { repeats: REPEATS, rows });
			entry[family] = { scores: cv.scores, holdout: split ? await holdoutScore(table, config, split.train, split.test, seed) : headline((mlp ? await trainModel(table, config) : await trainClassic(table, config)).metrics) };
		}
		record.seeds[seed] = entry;
		writeFileSync(file, JSON.stringify(record));
		console.log(`${set.id} seed ${seed}: ${plan.families.map((f) => `${f} ${entry[f].holdout.toFixed(3)}`).join(', ')}`);
	}
}
