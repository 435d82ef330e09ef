// What the Find-a-model benches share: the studio's own modules (loaded from TypeScript on tfjs's
// cpu backend), the shipped demo sets they read and the headline metric of a run.
import { readFileSync } from 'node:fs';
import { importTs, ROOT } from './import-ts.mjs';

const { parseCsv } = await importTs('workers/lib/csv.ts');
export const { defaultParams } = await importTs('workers/lib/models/index.ts');
export const { classicConfig, findMlpConfig } = await importTs('workers/lib/model-lab/config.ts');
export const { crossValidate, fitAndScoreClassic } = await importTs('workers/lib/model-lab/cross-validate.ts');
export const { crossValidateMlp, fitAndScoreMlp } = await importTs('workers/lib/model-lab/cross-validate-mlp.ts');
const { holdoutData } = await importTs('workers/lib/models/models.spec-support.ts');
export const { trainClassic } = await importTs('workers/lib/model-lab/train-classic.ts');
export const { trainModel, DEFAULT_CONFIG } = await importTs('workers/lib/train.ts');
export const { planSearch, recommend } = await importTs('src/lib/features/model-lab/find-model-plan.ts');
const { useCpu } = await importTs('tests/unit-support.ts');
await useCpu();

export const shipped = (file) => parseCsv(new TextEncoder().encode(readFileSync(`${ROOT}static/datasets/${file}`, 'utf8')).buffer, file).table;

/** The demo sets Find is measured on; `only` (a list of ids) keeps some. */
export function findSets(only) {
	return [
		{ id: 'iris', file: 'iris.csv', target: 'species', task: 'classification' },
		{ id: 'wine', file: 'wine.csv', target: 'cultivar', task: 'classification' },
		{ id: 'breast-cancer', file: 'breast-cancer.csv', target: 'diagnosis', task: 'classification' },
		{ id: 'penguins', file: 'penguins.csv', target: 'species', task: 'classification' },
		{ id: 'penguins-mass', file: 'penguins.csv', target: 'body_mass_g', task: 'regression' },
		{ id: 'digits', file: 'digits.csv', target: 'digit', task: 'classification' }
	].filter((s) => !only || only.includes(s.id));
}

export const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
export const headline = (m) => (m.task === 'classification' ? m.accuracy : m.r2);

/** The quality table's split of `set` for `seed` (run.mjs: seeded, stratified 80/20) as row indices. */
export function qualitySplit(table, set, seed) {
	const split = holdoutData(table, set.target, set.task, seed);
	return { train: Int32Array.from(split.trainRows), test: Int32Array.from(split.testRows) };
}

/** A config fitted once on `train` and scored on `test`, through the studio's fold code. */
export async function holdoutScore(table, config, train, test, seed) {
	return (config.classic ? fitAndScoreClassic(table, config, train, test, seed) : await fitAndScoreMlp(table, config, train, test)).score;
}
