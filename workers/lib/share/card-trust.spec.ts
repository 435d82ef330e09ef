import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '$shared/train-config';
import type { FairnessResult, PrivacyRecord, RobustnessResult, TrainConfig } from '$workers/protocol';
import { auditRunFairness } from '$workers/lib/trust-run/fairness-run';
import { robustnessOfRun } from '$workers/lib/trust-run/robustness-run';
import { trainPrivateModel, type PrivateTrainResult } from '$workers/lib/trust/private-training';
import { loadDataset, useCpu } from '../../../tests/unit-support';
import { trustCardSections } from './card-trust';
import { modelCard } from './model-card';
import type { ModelCardInput } from './types';

beforeAll(useCpu);

/** A real private run on CPS 1985 wages, a real fairness audit and a real FGSM curve of it. */
const table = loadDataset('cps-wages-1985.csv');
const target = 'wage_above_median';
const config: TrainConfig = { ...DEFAULT_CONFIG, target, task: 'classification', model: 'linear', features: table.columns.map((c) => c.name).filter((n) => n !== target), epochs: 3, batchSize: 32, learningRate: 0.05, seed: 5 };
let run: PrivateTrainResult;
let privacy: PrivacyRecord;
let fairness: FairnessResult;
let robustness: RobustnessResult;
let input: ModelCardInput;
beforeAll(async () => {
	run = await trainPrivateModel(table, config, { clipNorm: 1.5, noiseMultiplier: 1.3, delta: 1e-5, secureNoise: false });
	privacy = { ...run.privacy, budgetEpsilon: 50 };
	const stored = { artifacts: run.model, preprocessing: run.preprocessing };
	fairness = await auditRunFairness(table, config, stored, { sensitive: ['gender', 'race'], positiveClass: 'yes', objective: 'equalized_odds' });
	robustness = await robustnessOfRun(table, config, stored, { attack: 'fgsm', norm: 'linf', epsilons: [0.1, 0.5] });
	input = { dataset: { name: 'CPS 1985 wages', rows: table.rowCount, columns: table.columns.length }, run: { id: 'run-p', config, createdAt: Date.UTC(2026, 10, 26), history: run.history, metrics: run.metrics }, preprocessing: run.preprocessing, date: '2026-11-26' };
});

describe('trust sections of the model card', () => {
	it('states ε, δ, clipping norm and noise multiplier of a private run', () => {
		const { markdown, html } = modelCard({ ...input, ...trustCardSections({ privacy }) });
		const section = markdown.split('## Privacy')[1].split('## Limitations')[0];
		expect(section).toContain(`Trained with differential privacy (DP-SGD): ε = ${Number(privacy.epsilon.toPrecision(4))}, δ = 1.0e-5.`);
		expect(section).toContain('- **Clipping norm C:** 1.5');
		expect(section).toContain('- **Noise multiplier σ:** 1.3');
		expect(section).toContain(`- **Training steps:** ${privacy.steps}`);
		expect(section).toContain('seeded generator');
		expect(section).toContain('- **Budget:** ε = 50');
		expect(html).toContain('<dt>Clipping norm C</dt><dd>1.5</dd>');
	});

	it('gives the fairness audit\'s groups and disparities, and the robustness curve, of the run', () => {
		const at = Date.UTC(2026, 10, 26, 5);
		const { markdown } = modelCard({ ...input, ...trustCardSections({ trust: { fairness: { ...fairness, at }, robustness: { ...robustness, at } } }) });
		const fair = markdown.split('## Fairness')[1].split('## Robustness')[0];
		const gender = fairness.audit.perColumn[0];
		expect(fair).toContain('- **Favourable outcome:** yes');
		expect(fair).toContain(`- **Holdout rows audited:** ${fairness.holdoutRows}`);
		expect(fair).toContain(`- **Disparities by gender:** demographic-parity difference ${Number(gender.disparities.demographicParityDifference.toFixed(3))}`);
		expect(fair).toContain('- **Disparities by gender × race:**');
		expect(fair).toContain('Metrics by "gender":');
		const female = gender.groups.find((g) => g.group === 'female')!;
		expect(fair).toMatch(new RegExp(`\\| count \\| ${female.count} \\| \\d+ \\|`));
		expect(fair).toContain('| selection rate |');
		expect(fair).toContain('Audited on 2026-11-26');
		// The second column and every intersectional group get a table of their own, with their disparities.
		const cross = fairness.audit.intersectional!;
		expect(cross.groups.length).toBeGreaterThan(2);
		expect(fair).toContain('Metrics by "race" (one row per group');
		expect(fair).toContain('Metrics by "gender × race" (one row per group');
		expect(fair).toContain('| Group | count | selection rate | true positive rate | false positive rate | precision | error rate |');
		for (const g of cross.groups) {
			const cells = [g.count, g.selectionRate.value, g.truePositiveRate.value, g.falsePositiveRate.value, g.precision.value, g.errorRate.value].map((v) => (Number.isInteger(v) ? String(v) : Number.isFinite(v) ? String(Number(v.toPrecision(4))) : '–'));
			expect(fair).toContain(`| ${g.group}${g.small ? ' \\*' : ''} | ${cells.join(' | ')} |`);
		}
		expect(fair).toContain(`- **Disparities by gender × race:** demographic-parity difference ${Number(cross.disparities.demographicParityDifference.toFixed(3))}`);
		const robust = markdown.split('## Robustness')[1].split('## Privacy')[0];
		expect(robust).toContain(`| none (clean) | accuracy | ${Number(robustness.clean.toPrecision(4))} |`);
		expect(robust).toContain(`| FGSM L∞ ε = 0.5 | accuracy | ${Number(robustness.points.at(-1)!.accuracy.toPrecision(4))} |`);
		expect(robust).toContain(`- **Holdout rows attacked:** ${robustness.holdoutRows}`);
	});

	it('says an adversarially trained run\'s settings and its before/after figures', () => {
		const after = robustness.points.map((p) => ({ ...p, accuracy: Math.min(1, p.accuracy + 0.05) }));
		const trust = { robustness: { ...robustness, at: 0 }, adversarial: { baseRunId: 'run-0', attack: 'fgsm' as const, norm: 'linf' as const, steps: 0, holdoutRows: robustness.holdoutRows, before: robustness.points, after, at: 0 } };
		const { markdown } = modelCard({ ...input, ...trustCardSections({ trust, variant: { kind: 'adversarial', norm: 'linf', epsilon: 0.1, ratio: 0.5, steps: 7 } }) });
		expect(markdown).toContain('- **Adversarial training:** 50 % of each batch replaced by PGD-7 L∞ examples at ε = 0.1');
		expect(markdown).toContain(`ε 0.5: ${(robustness.points.at(-1)!.accuracy * 100).toFixed(1)} % → ${(after.at(-1)!.accuracy * 100).toFixed(1)} %`);
	});

	it('says when a run was not private, not audited for fairness and not attacked', () => {
		const { markdown } = modelCard({ ...input, ...trustCardSections({}) });
		expect(markdown).toContain('No fairness audit was run for this model.');
		expect(markdown).toContain('No robustness test was run for this model.');
		expect(markdown).toContain('Not trained with differential privacy: no privacy guarantee (ε, δ) holds for this model.');
	});
});
