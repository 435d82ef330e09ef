import type { ClassicFamily, Task } from '$workers/protocol';
import { MAX_BOOSTING_CLASSES } from '$workers/lib/models/params';
import { familyLabel } from '$workers/lib/model-lab/describe';

/** What "Find a model" knows about the data before it starts (from the dataset's profile). */
export interface FindFacts {
	rows: number;
	numericColumns: number;
	categoricalColumns: number;
	classes: number;
	task: Task;
}

export interface FindPlan {
	folds: number;
	families: ClassicFamily[];
	skipped: { family: ClassicFamily | 'mlp'; why: string }[];
	reasons: string[];
}

/** Above this many rows kNN is left out: each fold compares every test row with every training row. */
export const KNN_FIND_LIMIT = 20_000;

/**
 * Which families to cross-validate and why, cheapest first so the leaderboard fills early.
 * The MLP is left out: it trains epoch by epoch and is tuned on the Tune page instead.
 */
export function planSearch(facts: FindFacts, folds = 5): FindPlan {
	const reasons: string[] = [];
	const skipped: FindPlan['skipped'] = [];
	const families: ClassicFamily[] = ['linear'];
	const classification = facts.task === 'classification';
	const columns = facts.numericColumns + facts.categoricalColumns;
	const size = `${facts.rows.toLocaleString('en-US')} rows × ${columns} column${columns === 1 ? '' : 's'}`;
	if (facts.rows < 1000) reasons.push(`${size}: few rows, so simple models (linear, naive Bayes, one tree) can match ensembles; every family is quick here, so all are tried, simplest first.`);
	else if (facts.rows <= 50_000) reasons.push(`${size}: enough rows for forests and boosting to pay off; simple models run first as a baseline.`);
	else reasons.push(`${size}: many rows, so tree ensembles are the likely winners; each fold takes a while.`);
	if (classification) {
		const nb: ClassicFamily = facts.categoricalColumns > facts.numericColumns ? 'categorical-nb' : 'gaussian-nb';
		families.push(nb);
		reasons.push(`${nb === 'gaussian-nb' ? 'Mostly numeric columns: Gaussian' : 'Mostly categorical columns: categorical'} naive Bayes.`);
	} else skipped.push({ family: 'gaussian-nb', why: 'Naive Bayes only predicts classes.' });
	families.push('tree');
	if (facts.rows <= KNN_FIND_LIMIT) families.push('knn');
	else skipped.push({ family: 'knn', why: `Above ${KNN_FIND_LIMIT.toLocaleString('en-US')} rows each fold would compare every test row with every training row; too slow in a browser.` });
	families.push('forest');
	if (classification && facts.classes > MAX_BOOSTING_CLASSES) skipped.push({ family: 'boosting', why: `${facts.classes} classes: boosting grows a tree per class per round, and allows at most ${MAX_BOOSTING_CLASSES}.` });
	else families.push('boosting');
	skipped.push({ family: 'mlp', why: 'The neural network trains epoch by epoch; train it on this page or tune it on the Tune page and compare in Runs.' });
	reasons.push(`Each family uses its defaults under ${folds}-fold cross-validation${classification ? ' (stratified by class)' : ''} on the training and validation rows; the holdout stays out, so the run you keep is scored on rows the choice never saw.`);
	return { folds, families, skipped, reasons };
}

export const candidateName = (family: ClassicFamily | 'mlp', task: Task): string => (family === 'mlp' ? 'neural network (MLP)' : familyLabel(family, task));
