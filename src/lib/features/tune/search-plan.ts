import { parseInteger, parseNumber } from '$shared/number';
import { DEFAULT_CONFIG, withConfigDefaults } from '$shared/train-config';
import { familyDefaults, validateSettings } from '$workers/lib/tune';
import type { SearchPlan, TrainConfig, TrialMetric, TuneFamily } from '$workers/protocol';
import { rowsFromSpace, spaceFromRows, type ParamRow } from './space-form';
import { metricChoices } from './trial-config';

/** The search form as typed. */
export interface SearchForm {
	family: TuneFamily;
	rows: ParamRow[];
	sampler: 'grid' | 'random' | 'tpe';
	gridPoints: string;
	asha: boolean;
	eta: string;
	minEpochs: string;
	maxEpochs: string;
	epochs: string;
	trials: string;
	metric: TrialMetric;
	direction: 'minimize' | 'maximize';
	parallel: string;
	seed: string;
}

/** A family's default space and budgets; ASHA's top rung is kept short enough for a browser tab. */
export function defaultForm(family: TuneFamily, task: TrainConfig['task'], slots: number, base?: TrainConfig): SearchForm {
	const defaults = familyDefaults(family);
	// A transfer run's epochs are head epochs on cached features: cheap, and 100 by default.
	const transfer = family === 'image' && base?.vision?.mode === 'transfer';
	if (transfer) defaults.budget = { unit: 'epochs', min: 10, max: 90 };
	const budget = defaults.budget ?? { min: 3, max: 27 };
	// Boosting rounds are cheap next to epochs: its top rung stays at 3 × 3 × its minimum.
	const top = defaults.budget?.unit === 'rounds' ? budget.min * 9 : transfer ? budget.max : 27;
	// Image and text epochs are slow: fewer, shorter trials by default.
	const media = family === 'image' || family === 'text';
	return {
		family,
		rows: [...rowsFromSpace(defaults.space), ...rowsFromSpace(defaults.optional ?? {}, false)],
		sampler: 'tpe',
		gridPoints: '3',
		asha: defaults.budget !== null,
		eta: '3',
		minEpochs: String(budget.min),
		maxEpochs: String(Math.min(budget.max, top)),
		epochs: defaults.budget?.unit === 'rounds' ? '100' : media ? String(Math.min(30, Math.max(3, defaults.budget?.min ?? 3))) : '30',
		trials: media ? '8' : '16',
		metric: 'valLoss',
		direction: metricChoices(task)[0].direction,
		parallel: String(slots),
		seed: '42'
	};
}

/**
 * The config every trial starts from: the project's last run settings (or the defaults) on the
 * current target. Trials need validation rows to be scored on.
 */
export function baseConfig(last: TrainConfig | undefined, target: string, task: TrainConfig['task'], features: string[]): TrainConfig {
	// A classic run's config has only neutral network settings: a search starts from the defaults then.
	const from = last && last.target === target && !last.classic ? withConfigDefaults(last) : { ...DEFAULT_CONFIG, target, task, features };
	return { ...from, task, validationFraction: from.validationFraction > 0 ? from.validationFraction : 0.2 };
}

type Field = 'space' | 'gridPoints' | 'eta' | 'minEpochs' | 'maxEpochs' | 'epochs' | 'trials' | 'parallel' | 'seed' | 'settings';
export type PlanProblems = Partial<Record<Field, string>> & { rows?: Record<string, string> };

/** The plan the form describes, or what to fix, field by field. */
export function planFromForm(form: SearchForm, slots: number): { plan: SearchPlan | null; problems: PlanProblems } {
	const problems: PlanProblems = {};
	const whole = (text: string, field: Field, min: number, max: number): number => {
		const v = parseInteger(text);
		if (v === undefined || v < min || v > max) problems[field] = `A whole number from ${min} to ${max}.`;
		return v ?? NaN;
	};
	const { space, problems: rowProblems } = spaceFromRows(form.rows);
	if (!space) {
		problems.rows = rowProblems;
		if (rowProblems['']) problems.space = rowProblems[''];
	}
	const maxTrials = whole(form.trials, 'trials', 1, 1000);
	const parallel = whole(form.parallel, 'parallel', 1, Math.max(1, slots));
	const seed = whole(form.seed, 'seed', 0, 2 ** 31 - 1);
	let scheduler: SearchPlan['search']['scheduler'];
	if (familyDefaults(form.family).budget === null) {
		// Fitted in one go: one job per trial, its budget unused.
		scheduler = { kind: 'plain', budget: 1 };
	} else if (form.asha) {
		const eta = parseNumber(form.eta);
		if (eta === undefined || eta < 2 || eta > 10) problems.eta = 'A number from 2 to 10 (3 keeps a third of each rung).';
		const min = whole(form.minEpochs, 'minEpochs', 1, 1000);
		const max = whole(form.maxEpochs, 'maxEpochs', 1, 10_000);
		if (!problems.minEpochs && !problems.maxEpochs && max < min * (eta ?? 2)) problems.maxEpochs = `At least η × the minimum (${Math.ceil(min * (eta ?? 2))}), so there is a rung to promote to.`;
		scheduler = { kind: 'asha', eta: eta ?? 3, minBudget: min, maxBudget: max };
	} else {
		scheduler = { kind: 'plain', budget: whole(form.epochs, 'epochs', 1, 10_000) };
	}
	// A grid under ASHA is visited in a seeded shuffled order. ASHA promotes from rungs it has only
	// partly seen, and it assumes each new config is a random draw (Li et al. 2018); in the grid's
	// own order the first third of the configs share the first parameter's first value, so the
	// early promotions (and top-rung jobs) go to the best of that slice. Shuffled, every prefix is
	// a sample of the whole grid. Same seed ⇒ same order, stored with the search, so a resumed
	// search continues in it; a plain grid keeps its order (every point trains to the full budget).
	const sampler: SearchPlan['search']['sampler'] =
		form.sampler === 'grid' ? { kind: 'grid', pointsPerParam: whole(form.gridPoints, 'gridPoints', 2, 10), ...(scheduler.kind === 'asha' ? { shuffle: true } : {}) } : form.sampler === 'tpe' ? { kind: 'tpe' } : { kind: 'random' };
	if (Object.keys(problems).length > 0 || !space) return { plan: null, problems };
	const plan: SearchPlan = { search: { space, sampler, scheduler, direction: form.direction, maxTrials, seed }, family: form.family, metric: form.metric, parallel };
	try {
		validateSettings(plan.search);
	} catch (e) {
		return { plan: null, problems: { settings: (e as Error).message } };
	}
	return { plan, problems };
}
