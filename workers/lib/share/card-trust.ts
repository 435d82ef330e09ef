import type { FairnessResult, PrivacyRecord, RobustnessResult, RunVariant, TrustSummary } from '$workers/protocol';
import type { FairnessReport } from '$workers/lib/trust/types';
import type { FairnessGroupTable, FairnessSection, PrivacySection, RobustnessSection } from './types';

/** What a stored run knows about its privacy, fairness and robustness (all optional). */
export interface RunTrustFacts {
	privacy?: PrivacyRecord;
	trust?: TrustSummary;
	variant?: RunVariant;
}

const fixed = (v: number, digits = 3) => (Number.isFinite(v) ? Number(v.toFixed(digits)).toString() : '–');
const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
const day = (at: number) => new Date(at).toISOString().slice(0, 10);
const normName = (norm: string) => (norm === 'linf' ? 'L∞' : 'L2');

export function privacySection(record: PrivacyRecord): PrivacySection {
	const facts: [string, string][] = [
		['Sampling rate q', fixed(record.sampleRate, 4)],
		['Training steps', String(record.steps)],
		['Accountant', `Rényi DP of the Poisson-subsampled Gaussian (best order ${fixed(record.order, 2)})`],
		['Noise source', record.secureNoise ? 'crypto.getRandomValues' : 'seeded generator (reproducible, not for a real guarantee)']
	];
	if (record.budgetEpsilon !== undefined) facts.push(['Budget', `ε = ${fixed(record.budgetEpsilon, 4)}${record.stoppedByBudget ? ' (training stopped when the next step would exceed it)' : ''}`]);
	return { epsilon: record.epsilon, delta: record.delta, mechanism: 'DP-SGD', clipNorm: record.clipNorm, noiseMultiplier: record.noiseMultiplier, facts, notes: 'The guarantee covers the gradient updates; the standardising statistics (means and standard deviations) were fitted on the training rows without noise.' };
}

const GROUP_METRICS = ['count', 'selection rate', 'true positive rate', 'false positive rate', 'precision', 'error rate'];

/** One row per group of a report: the other sensitive columns and the intersectional groups. */
export function groupTable(report: FairnessReport): FairnessGroupTable {
	return {
		attribute: report.columns.join(' × '),
		metrics: GROUP_METRICS,
		rows: report.groups.map((g) => ({ group: g.group, values: [g.count, g.selectionRate.value, g.truePositiveRate.value, g.falsePositiveRate.value, g.precision.value, g.errorRate.value], ...(g.small ? { small: true } : {}) }))
	};
}

/** The audit's first sensitive column as the main table; every column's and the intersection's disparities as key figures; the other columns and the intersectional groups as tables of their own. */
export function fairnessSection(result: FairnessResult & { at?: number }): FairnessSection {
	const report: FairnessReport = result.audit.perColumn[0];
	const rate = (pick: (g: FairnessReport['groups'][number]) => number) => Object.fromEntries(report.groups.map((g) => [g.group, pick(g)]));
	const facts: [string, string][] = [['Favourable outcome', result.positiveClass], ['Holdout rows audited', String(result.holdoutRows)], ['Holdout accuracy', pct(result.baseline.accuracy)]];
	for (const r of [...result.audit.perColumn, ...(result.audit.intersectional ? [result.audit.intersectional] : [])]) {
		const d = r.disparities;
		facts.push([`Disparities by ${r.columns.join(' × ')}`, `demographic-parity difference ${fixed(d.demographicParityDifference)} (ratio ${fixed(d.demographicParityRatio)}), equalised-odds difference ${fixed(d.equalizedOddsDifference)}, over ${d.compared.length} groups`]);
	}
	if (result.thresholds) facts.push(['Per-group thresholds (not applied to this model)', `${result.objective === 'equalized_odds' ? 'equalised-odds' : 'demographic-parity'} difference ${fixed(result.thresholds.holdout.disparity)} at accuracy ${pct(result.thresholds.holdout.accuracy)} on the holdout`]);
	const small = report.groups.filter((g) => g.small).map((g) => g.group);
	const extra = [...result.audit.perColumn.slice(1), ...(result.audit.intersectional ? [result.audit.intersectional] : [])];
	return {
		sensitiveAttribute: report.columns.join(' × '),
		facts,
		...(extra.length > 0 ? { tables: extra.map(groupTable) } : {}),
		byGroup: { count: rate((g) => g.count), 'selection rate': rate((g) => g.selectionRate.value), 'true positive rate': rate((g) => g.truePositiveRate.value), 'false positive rate': rate((g) => g.falsePositiveRate.value), 'error rate': rate((g) => g.errorRate.value) },
		notes: `Audited${result.at ? ` on ${day(result.at)}` : ''} on the run's holdout rows.${small.length > 0 ? ` Groups with fewer than ${result.audit.minGroupSize} rows are listed but left out of the disparities: ${small.join(', ')}.` : ''}`
	};
}

export function robustnessSection(result: RobustnessResult & { at?: number }, trust?: TrustSummary, variant?: RunVariant): RobustnessSection {
	const name = `${result.attack.toUpperCase()}${result.attack === 'pgd' ? `-${result.steps}` : ''} ${normName(result.norm)}`;
	const results = result.points.map((p) => ({ perturbation: p.epsilon === 0 ? 'none (clean)' : `${name} ε = ${p.epsilon}`, metric: 'accuracy', value: p.accuracy }));
	const image = result.images !== undefined;
	const facts: [string, string][] = [
		['Attack', `${name}, ${image ? 'ε on the [0, 1] pixel scale, attacked images clipped to [0, 1]' : 'ε in standardised units, inside the range of the training rows'}`],
		[image ? 'Held-out images attacked' : 'Holdout rows attacked', `${result.holdoutRows}${result.sampledFrom ? ` (a seeded sample of ${result.sampledFrom})` : ''}`]
	];
	if (variant?.kind === 'adversarial') facts.push(['Adversarial training', `${Math.round(variant.ratio * 100)} % of each batch replaced by PGD-${variant.steps} ${normName(variant.norm)} examples at ε = ${variant.epsilon}`]);
	const c = trust?.adversarial;
	if (c) {
		const after = new Map(c.after.map((p) => [p.epsilon, p.accuracy]));
		facts.push(['Before / after adversarial training', c.before.map((p) => `ε ${p.epsilon}: ${pct(p.accuracy)} → ${after.has(p.epsilon) ? pct(after.get(p.epsilon)!) : '–'}`).join('; ')]);
	}
	return { results, facts, notes: `Measured${result.at ? ` on ${day(result.at)}` : ''}; the latest robustness test of this run.` };
}

/** The model card's privacy, fairness and robustness sections of a stored run; absent ones say so on the card. */
export function trustCardSections(run: RunTrustFacts): { privacy?: PrivacySection; fairness?: FairnessSection; robustness?: RobustnessSection } {
	return {
		...(run.privacy ? { privacy: privacySection(run.privacy) } : {}),
		...(run.trust?.fairness ? { fairness: fairnessSection(run.trust.fairness) } : {}),
		...(run.trust?.robustness ? { robustness: robustnessSection(run.trust.robustness, run.trust, run.variant) } : {})
	};
}
