import type { Metrics, Preprocessing, TrainConfig } from '$workers/protocol';
import { classicCardText, familyLabel } from '$workers/lib/model-lab/describe';
import { escapeHtml } from './html';
import type { FairnessGroupTable, ModelCard, ModelCardInput } from './types';

/** The card as plain text blocks; the Markdown and HTML renderers escape every string. */
type Block = { kind: 'p'; text: string } | { kind: 'facts'; items: [string, string][] } | { kind: 'bullets'; items: string[] } | { kind: 'table'; head: string[]; rows: string[][] };
interface Section {
	title: string;
	blocks: Block[];
}

const NOT_STATED = 'Not stated';
const p = (text: string): Block => ({ kind: 'p', text });
const num = (v: number, digits = 3) => (Number.isInteger(v) ? v.toLocaleString('en-US') : Number(v.toPrecision(digits)).toString());
const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
const factsOf = (items: [string, string][] | undefined): Block[] => (items && items.length > 0 ? [{ kind: 'facts', items }] : []);

function familyText(config: TrainConfig): string {
	if (config.classic) return classicCardText(config.classic, config.task);
	if (config.model === 'mlp') return `Multilayer perceptron, hidden layers ${config.hiddenLayers.join(', ')} (ReLU), trained with Adam`;
	if (config.model === 'linear') return 'Linear model (a single dense layer), trained with Adam';
	return `${config.model}`;
}

function pipelineSteps(prep: Preprocessing | undefined, config: TrainConfig): string[] {
	if (!prep) return [`Features: ${config.features.join(', ')}. The fitted preprocessing was not stored with this card.`];
	const numeric = prep.features.filter((f) => f.kind === 'numeric');
	const categorical = prep.features.filter((f) => f.kind === 'categorical');
	const steps: string[] = [];
	if (numeric.length > 0) {
		steps.push(`Standardise ${numeric.length} numeric feature${numeric.length === 1 ? '' : 's'} with the training rows' mean and standard deviation: ${numeric.map((f) => `${f.name} (mean ${num(f.mean, 4)}, sd ${num(f.std, 4)})`).join('; ')}. Missing numbers take the training mean.`);
	}
	if (categorical.length > 0) {
		steps.push(`One-hot encode ${categorical.length} categorical feature${categorical.length === 1 ? '' : 's'}: ${categorical.map((f) => `${f.name} (${f.categories.length} categories)`).join('; ')}. Missing values take the most frequent category; categories unseen in training (or too rare to keep) encode as none of the known ones.`);
	}
	const t = prep.target;
	steps.push(t.task === 'classification' ? `Target "${t.name}": ${t.classes.length} classes (${t.classes.join(', ')}); the model outputs one probability per class.` : `Target "${t.name}": standardised for training (mean ${num(t.mean, 4)}, sd ${num(t.std, 4)}) and mapped back to original units for predictions.`);
	steps.push(`${prep.inputSize} model inputs after encoding. Every statistic was fitted on the training rows only.`);
	return steps;
}

function metricBlocks(metrics: Metrics | undefined): Block[] {
	if (!metrics) return [p('This run has no holdout metrics (it did not finish).')];
	if (metrics.task === 'regression') {
		return [{ kind: 'facts', items: [['Holdout rows', num(metrics.support)], ['RMSE', num(metrics.rmse, 4)], ['MAE', num(metrics.mae, 4)], ['R²', num(metrics.r2, 4)]] }];
	}
	return [
		{ kind: 'facts', items: [['Holdout rows', num(metrics.support)], ['Accuracy', pct(metrics.accuracy)], ['Macro F1', num(metrics.macroF1, 3)]] },
		p('Confusion matrix (rows: true class, columns: predicted class):'),
		{ kind: 'table', head: ['', ...metrics.classes], rows: metrics.confusion.map((row, i) => [metrics.classes[i], ...row.map(String)]) }
	];
}

/** The other sensitive columns and their intersection: one row per group (an intersection has many). */
function groupTables(tables: FairnessGroupTable[] | undefined): Block[] {
	return (tables ?? []).flatMap((t) => [
		p(`Metrics by "${t.attribute}" (one row per group${t.rows.some((r) => r.small) ? '; * too few rows to enter the disparities' : ''}):`),
		{ kind: 'table', head: ['Group', ...t.metrics], rows: t.rows.map((r) => [`${r.group}${r.small ? ' *' : ''}`, ...r.values.map((v) => (Number.isFinite(v) ? num(v, 4) : '–'))]) } as Block
	]);
}

function historyBlocks(input: ModelCardInput): Block[] {
	const h = input.run.history;
	if (h.length === 0) return [p('No training history was recorded.')];
	const classification = input.run.config.task === 'classification';
	const metricName = classification ? 'holdout accuracy' : 'holdout RMSE';
	const best = h.reduce((a, b) => (classification ? (b.valMetric > a.valMetric ? b : a) : b.valMetric < a.valMetric ? b : a));
	const first = h[0];
	const last = h[h.length - 1];
	const show = (v: number) => (classification ? pct(v) : num(v, 4));
	// At most ten epochs, evenly spread and always including the first and last.
	const picks = [...new Set(Array.from({ length: Math.min(10, h.length) }, (_, i) => Math.round((i * (h.length - 1)) / Math.max(1, Math.min(10, h.length) - 1))))];
	return [
		p(`${h.length} epochs. Training loss went from ${num(first.trainLoss, 4)} to ${num(last.trainLoss, 4)}; the best ${metricName} was ${show(best.valMetric)} at epoch ${best.epoch}, and ${show(last.valMetric)} at the end.`),
		{ kind: 'table', head: ['Epoch', 'Training loss', 'Holdout loss', classification ? 'Holdout accuracy' : 'Holdout RMSE'], rows: picks.map((i) => [String(h[i].epoch), num(h[i].trainLoss, 4), num(h[i].valLoss, 4), show(h[i].valMetric)]) }
	];
}

/** 95 % Wilson score interval of a proportion; unlike the normal approximation it stays sensible at 0 and 1. */
function wilson(share: number, n: number): [number, number] {
	const z = 1.96;
	const centre = (share + (z * z) / (2 * n)) / (1 + (z * z) / n);
	const half = (z * Math.sqrt((share * (1 - share)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
	return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

function kilnLimitations(input: ModelCardInput): string[] {
	const m = input.run.metrics;
	const notes: string[] = [];
	if (m) {
		const n = m.support;
		let interval = '';
		if (m.task === 'classification' && n > 0) {
			const [low, high] = wilson(m.accuracy, n);
			interval = ` With ${n} holdout rows, the true accuracy is likely between ${pct(low)} and ${pct(high)} (95 % Wilson interval).`;
		}
		notes.push(`Measured on one random holdout of ${num(n)} rows from the same dataset.${interval} Data from another source, time or population may score lower.`);
	}
	notes.push('Predictions for values outside the range seen in training are extrapolations and may be unreliable.');
	notes.push('The model learns associations in the data, not causes; it inherits the data\'s gaps and biases.');
	return notes;
}

function sections(input: ModelCardInput): Section[] {
	const { run, dataset } = input;
	const config = run.config;
	const use = input.intendedUse ?? {};
	const stated = (v: string | undefined) => (v && v.trim() ? v.trim() : NOT_STATED);
	const task = config.task === 'classification' ? `Classification of "${config.target}"` : `Regression of "${config.target}"`;
	const out: Section[] = [
		{
			title: 'Model details',
			blocks: [
				{
					kind: 'facts',
					items: [
						['Task', task],
						['Model family', familyText(config)],
						['Training settings', `${config.epochs} epochs, learning rate ${num(config.learningRate)}, L2 ${num(config.l2)}, batch size ${config.batchSize}, holdout share ${num(config.holdoutFraction)}`],
						['Seed', String(config.seed)],
						['Backend', run.backend ?? NOT_STATED],
						...(run.durationMs !== undefined ? [['Training time', `${num(run.durationMs / 1000)} s`] as [string, string]] : []),
						['Run', run.id],
						['Owner', stated(use.owner)],
						['Contact', stated(use.contact)]
					]
				}
			]
		},
		{ title: 'Intended use', blocks: [{ kind: 'facts', items: [['Primary uses', stated(use.primaryUses)], ['Intended users', stated(use.users)], ['Out of scope', stated(use.outOfScope)]] }] },
		{
			title: 'Data',
			blocks: [
				{
					kind: 'facts',
					items: [
						['Dataset', dataset.fileName && dataset.fileName !== dataset.name ? `${dataset.name} (${dataset.fileName})` : dataset.name],
						['Size', `${num(dataset.rows)} rows, ${num(dataset.columns)} columns`],
						['Features', `${config.features.length}: ${config.features.join(', ')}`],
						['Split', run.trainRows !== undefined && run.holdoutRows !== undefined ? `${num(run.trainRows)} training rows, ${run.validationRows ? `${num(run.validationRows)} validation rows, ` : ''}${num(run.holdoutRows)} holdout rows (seeded${config.task === 'classification' ? ', stratified by class' : ''})` : `${pct(1 - config.holdoutFraction)} training, ${pct(config.holdoutFraction)} holdout (seeded)`]
					]
				}
			]
		},
		{ title: 'Pipeline', blocks: [{ kind: 'bullets', items: pipelineSteps(input.preprocessing, config) }] },
		{ title: 'Evaluation', blocks: metricBlocks(run.metrics) },
		{ title: 'Training history', blocks: historyBlocks(input) }
	];
	const f = input.fairness;
	const groups = f ? [...new Set(Object.values(f.byGroup).flatMap((g) => Object.keys(g)))] : [];
	out.push({
		title: 'Fairness',
		blocks: f
			? [...factsOf(f.facts), p(`Metrics by "${f.sensitiveAttribute}":`), { kind: 'table', head: ['Metric', ...groups], rows: Object.entries(f.byGroup).map(([metric, g]) => [metric, ...groups.map((k) => (g[k] === undefined ? '–' : num(g[k], 4)))]) }, ...groupTables(f.tables), ...(f.notes ? [p(f.notes)] : [])]
			: [p('No fairness audit was run for this model.')]
	});
	const r = input.robustness;
	out.push({ title: 'Robustness', blocks: r ? [...factsOf(r.facts), { kind: 'table', head: ['Perturbation', 'Metric', 'Value'], rows: r.results.map((x) => [x.perturbation, x.metric, num(x.value, 4)]) }, ...(r.notes ? [p(r.notes)] : [])] : [p('No robustness test was run for this model.')] });
	const pv = input.privacy;
	out.push({
		title: 'Privacy',
		blocks: pv
			? [
					p(`Trained with differential privacy${pv.mechanism ? ` (${pv.mechanism})` : ''}: ε = ${num(pv.epsilon, 4)}, δ = ${pv.delta.toExponential(1)}.`),
					...factsOf([...(pv.clipNorm !== undefined ? [['Clipping norm C', num(pv.clipNorm, 4)] as [string, string]] : []), ...(pv.noiseMultiplier !== undefined ? [['Noise multiplier σ', num(pv.noiseMultiplier, 4)] as [string, string]] : []), ...(pv.facts ?? [])]),
					...(pv.notes ? [p(pv.notes)] : [])
				]
			: [p('Not trained with differential privacy: no privacy guarantee (ε, δ) holds for this model.')]
	});
	out.push({ title: 'Monitoring', blocks: monitoringBlocks(input) });
	const own = input.limitations?.trim();
	out.push({ title: 'Limitations', blocks: [...(own ? [p(own)] : []), { kind: 'bullets', items: kilnLimitations(input) }] });
	return out;
}

function monitoringBlocks({ monitoring: m, run }: ModelCardInput): Block[] {
	if (!m) return [p('No file of new rows has been compared with the training rows yet (Predict compares every file it predicts).')];
	const day = (at: number) => new Date(at).toISOString().slice(0, 10);
	const l = m.latest;
	// A text classifier's checks measure its texts (length, unseen words), not input columns.
	const of = `of ${l.columns} ${run.config.text ? 'measures' : 'input columns'}`;
	const rows = run.config.text ? 'texts' : 'rows';
	return [
		...factsOf([
			['Drift checks', `${m.checks}, from ${day(m.first)} to ${day(l.at)}`],
			['Latest check', `${l.fileName} (${day(l.at)}): ${num(l.rows)} new ${rows} against ${num(l.referenceRows)} training ${rows}`],
			['Shifted in the latest check', l.shifted.length === 0 ? `none ${of}` : `${l.shifted.length} ${of}: ${l.shifted.map((s) => `${s.name} (index ${num(s.psi, 3)}, ${s.level})`).join(', ')}`]
		]),
		{ kind: 'table', head: ['Date', 'File', run.config.text ? 'Texts' : 'Rows', run.config.text ? 'Measures shifted' : 'Columns shifted', 'Largest index'], rows: m.recent.map((c) => [day(c.at), c.fileName, num(c.rows), String(c.shifted), num(c.largest, 3)]) },
		p(`The index is the population stability index of a ${run.config.text ? 'measure' : 'column'}'s values against the training ${rows}: under 0.1 stable, 0.1–0.25 a moderate shift, over 0.25 a major one.`)
	];
}

// CommonMark lets any ASCII punctuation be escaped. Escaped here: what forms markup anywhere in a
// line (emphasis, code, links — "[" never opens so "(" needs nothing —, raw HTML, entities, table
// cells), and block markers at a line start (headings, lists, quotes).
const md = (text: string) => text.replace(/[\\`*_[\]<>|~&]/g, '\\$&');
const mdLine = (text: string) => md(text.replace(/\s*\n\s*/g, ' '));
const mdParagraph = (text: string) => md(text).replace(/^(\s*)([#+=-]|\d+[.)])/gm, '$1\\$2');

function toMarkdown(title: string, subtitle: string, list: Section[]): string {
	const lines = [`# ${mdLine(title)}`, '', `*${mdLine(subtitle)}*`, ''];
	for (const s of list) {
		lines.push(`## ${s.title}`, '');
		for (const b of s.blocks) {
			if (b.kind === 'p') lines.push(...b.text.split(/\n\s*\n/).flatMap((para) => [mdParagraph(para.trim()).replace(/\n/g, '  \n'), '']));
			else if (b.kind === 'facts') lines.push(...b.items.map(([k, v]) => `- **${md(k)}:** ${mdLine(v)}`), '');
			else if (b.kind === 'bullets') lines.push(...b.items.map((v) => `- ${mdLine(v)}`), '');
			else lines.push(`| ${b.head.map(mdLine).join(' | ')} |`, `|${b.head.map(() => ' --- |').join('')}`, ...b.rows.map((r) => `| ${r.map(mdLine).join(' | ')} |`), '');
		}
	}
	return lines.join('\n');
}

function toHtml(title: string, subtitle: string, list: Section[]): string {
	const e = escapeHtml;
	const body = list.map((s) => {
		const blocks = s.blocks.map((b) => {
			if (b.kind === 'p') return b.text.split(/\n\s*\n/).map((para) => `<p>${e(para.trim()).replace(/\n/g, '<br>')}</p>`).join('\n');
			if (b.kind === 'facts') return `<dl>${b.items.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>`;
			if (b.kind === 'bullets') return `<ul>${b.items.map((v) => `<li>${e(v)}</li>`).join('')}</ul>`;
			return `<table><thead><tr>${b.head.map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr></thead><tbody>${b.rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${e(c)}</th>` : `<td>${e(c)}</td>`)).join('')}</tr>`).join('')}</tbody></table>`;
		});
		return `<section>\n<h2>${e(s.title)}</h2>\n${blocks.join('\n')}\n</section>`;
	});
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>body{font-family:system-ui,sans-serif;line-height:1.5;max-width:48rem;margin:2rem auto;padding:0 1rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}th[scope=row],thead th:first-child{text-align:left}</style>
</head>
<body>
<h1>${e(title)}</h1>
<p><em>${e(subtitle)}</em></p>
${body.join('\n')}
</body>
</html>
`;
}

/** A model card in Markdown and HTML from a stored run; every person-supplied string is escaped. */
export function modelCard(input: ModelCardInput): ModelCard {
	const config = input.run.config;
	const title = `Model card: ${input.modelName?.trim() || `${config.classic ? familyLabel(config.classic.family, config.task).replace(/^./, (c) => c.toUpperCase()) : config.model === 'mlp' ? 'MLP' : config.model === 'linear' ? 'Linear model' : config.model} predicting ${config.target}`}`;
	const date = input.date ?? new Date(input.run.createdAt).toISOString().slice(0, 10);
	const subtitle = `Generated by Kiln on ${date}${input.projectName ? ` for the project "${input.projectName}"` : ''}. Fields marked "${NOT_STATED}" are for the model's owner to fill in.`;
	const list = sections(input);
	return { markdown: toMarkdown(title, subtitle, list), html: toHtml(title, subtitle, list) };
}
