import type { CandidateFamily, ClassicFamily, Task } from '$workers/protocol';
import { FIND_MLP_EPOCHS } from '$workers/lib/model-lab/config';
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
	/** Times the folds are dealt anew (absent in searches stored before repeats: once). */
	repeats?: number;
	families: CandidateFamily[];
	skipped: { family: CandidateFamily; why: string }[];
	reasons: string[];
	/** The Prepare pipeline version every candidate reads the data through (absent: the built-in encoding). */
	pipelineId?: string;
}

/** The Prepare pipeline a search runs on: the newest version saved for the dataset. */
export interface FindPipeline {
	id: string;
	name: string;
	version: number;
}

/** Above this many rows kNN is left out: each fold compares every test row with every training row. */
export const KNN_FIND_LIMIT = 20_000;
/**
 * Below this many rows the folds are dealt three times: one fold's score there moves by a row's
 * worth (about 4 points on iris), so a single deal ranks near-equal families by luck.
 */
export const REPEAT_FIND_BELOW = 1000;
export const SMALL_DATA_REPEATS = 3;

/** Above this many rows the MLP is left out: k folds of epochs would take long in a browser. */
export const MLP_FIND_LIMIT = 50_000;

/**
 * Which families to cross-validate and why, cheapest first so the leaderboard fills early; the
 * MLP last, on a small budget (it trains epoch by epoch). With a Prepare pipeline every family
 * reads the data through it, fitted on each fold's training rows, as a run with it would.
 */
export function planSearch(facts: FindFacts, folds = 5, pipeline: FindPipeline | null = null): FindPlan {
	const reasons: string[] = [];
	const skipped: FindPlan['skipped'] = [];
	const families: CandidateFamily[] = ['linear'];
	const classification = facts.task === 'classification';
	const columns = facts.numericColumns + facts.categoricalColumns;
	const repeats = facts.rows < REPEAT_FIND_BELOW ? SMALL_DATA_REPEATS : 1;
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
	if (facts.rows <= MLP_FIND_LIMIT) {
		families.push('mlp');
		reasons.push(`The neural network (MLP) last, on a small budget: 32-16 ReLU, Adam, ${FIND_MLP_EPOCHS} epochs, no early stopping (the scored fold must not pick the epoch); tune it on the Tune page for more.`);
	} else skipped.push({ family: 'mlp', why: `Above ${MLP_FIND_LIMIT.toLocaleString('en-US')} rows ${folds} folds of epochs take long in a browser; train it on this page or tune it on the Tune page and compare in Runs.` });
	reasons.push(
		pipeline
			? `Every family reads the data through the Prepare pipeline “${pipeline.name}” version ${pipeline.version}, fitted on each fold's training rows only, as a run with it is.`
			: 'Every family reads the built-in encoding (numbers standardised, categories one-hot); save a Prepare pipeline to search through your own.'
	);
	reasons.push(`Each family uses its defaults under ${folds}-fold cross-validation${classification ? ' (stratified by class)' : ''} on the training and validation rows; the holdout stays out, so the run you keep is scored on rows the choice never saw.`);
	reasons.push(`It recommends the simplest family (the earliest in the order they are tried: ${families.map((f) => candidateName(f, facts.task)).join(', ')}) whose mean is within one standard error of the best mean: a smaller lead is a row or two of the folds, and the simpler model is then the steadier choice.`);
	if (repeats > 1) reasons.push(`Under ${REPEAT_FIND_BELOW.toLocaleString('en-US')} rows the ${folds} folds are dealt ${repeats} times (${folds * repeats} fits per family): one fold's score moves by a row's worth here, and one deal alone would rank near-equal families by luck.`);
	return { folds, repeats, families, skipped, reasons, ...(pipeline ? { pipelineId: pipeline.id } : {}) };
}

/** A finished candidate as the recommendation reads it. */
export interface Scored {
	family: CandidateFamily;
	mean: number;
	std: number;
}

/**
 * The family Find recommends: the simplest (earliest in the plan, whose order runs from linear to
 * the MLP) whose mean is within one standard error of the best mean — the "one-standard-error
 * rule" (Hastie, Tibshirani and Friedman, The Elements of Statistical Learning, 7.10). The
 * standard error is the leader's fold-score deviation over √folds (repeated deals reuse the same
 * rows, so they do not shrink it further). On a few hundred rows the leader's margin is often a
 * row or two, and the simpler model is then the steadier choice.
 */
export function recommend(order: readonly CandidateFamily[], results: readonly Scored[], folds: number): { family: CandidateFamily; leader: CandidateFamily; margin: number } | null {
	if (results.length === 0) return null;
	const leader = results.reduce((b, r) => (r.mean > b.mean ? r : b));
	const margin = leader.std / Math.sqrt(folds);
	const rank = (f: CandidateFamily) => (order.includes(f) ? order.indexOf(f) : order.length);
	const within = results.filter((r) => r.mean >= leader.mean - margin - 1e-12).sort((a, b) => rank(a.family) - rank(b.family));
	return { family: within[0].family, leader: leader.family, margin };
}

export const candidateName = (family: CandidateFamily, task: Task): string => (family === 'mlp' ? 'neural network (MLP)' : familyLabel(family, task));
