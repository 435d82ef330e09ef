import { KilnError } from '$shared/errors';
import type { FittedFeature, FittedPipeline, FittedTableStep } from '$workers/lib/data/pipeline';
import { tableStepDefinition } from '$workers/lib/data/pipeline/registry';
import type { TfidfState } from '$workers/lib/text/tfidf';
import { tfidfIdf, type ShareTfidfFeature, type SharePipelineStepMore } from './kinds-pipeline';

/**
 * A keyed-hash anonymise step: its pseudonyms need the project secret, which a link never
 * carries (docs/decisions.md). When nothing later reads the pseudonymised column (it is dropped or
 * overwritten first, and no encoding reads it) the step cannot change a prediction and is left
 * out; otherwise the link is refused, naming the step.
 */
export function hashStepUnused(fitted: FittedPipeline, index: number): boolean {
	const { step } = fitted.steps[index];
	if (step.kind !== 'anonymise') return false;
	const column = step.column;
	for (const later of fitted.steps.slice(index + 1)) {
		if (later.trainingOnly) continue;
		for (const e of tableStepDefinition(later.step).effects(later.step, later.params)) {
			if (e.reads.includes(column)) return false;
			if (e.removes.includes(column) || e.writes.includes(column)) return true;
		}
	}
	return !fitted.features.some((f) => f.step.column === column);
}

/** The share form of a date-parts, derive, anonymise or mask-PII step; null for a step kind this file does not handle. */
export function shareStepMore(fitted: FittedPipeline, index: number): SharePipelineStepMore | 'skip' | null {
	const { step }: FittedTableStep = fitted.steps[index];
	switch (step.kind) {
		case 'date-parts':
			return { kind: 'date-parts', column: step.column, parts: [...step.parts], keepSource: step.keepSource };
		case 'derive':
			return { kind: 'derive', name: step.name, expression: step.expression };
		case 'mask-pii':
			return { kind: 'mask-pii', column: step.column, kinds: [...step.kinds] };
		case 'anonymise': {
			const m = step.method;
			if (m.type === 'hash') {
				if (hashStepUnused(fitted, index)) return 'skip';
				throw new KilnError('ExportError', `Step ${index + 1} pseudonymises "${step.column}" with the project's secret key, and the model reads the result. A link or demo page would need that secret to replay it, and the secret never leaves this machine. Anonymise "${step.column}" by masking, ranges or months (or drop it) for a model you want to share, or export the project bundle instead.`);
			}
			const method = m.type === 'range' ? { type: m.type, width: m.width } : m.type === 'mask' ? { type: m.type, keepStart: m.keepStart, keepEnd: m.keepEnd } : { type: m.type };
			return { kind: 'anonymise', column: step.column, method };
		}
		default:
			return null;
	}
}

/** A fitted TF-IDF encoding as a link carries it: terms, document counts per term, tokeniser rules. */
export function shareTfidf(feature: FittedFeature): ShareTfidfFeature {
	if (feature.step.kind !== 'tfidf') throw new KilnError('ExportError', `"${feature.step.column}" is not a TF-IDF encoding.`);
	const state = feature.params as unknown as TfidfState;
	const n = state.documents;
	const df = state.idf.map((idf, i) => {
		const count = Math.round((1 + n) / Math.exp(idf - 1) - 1);
		// The link rebuilds idf from the count; it must come out as the very same double.
		if (tfidfIdf(n, count) !== idf) throw new KilnError('ExportError', `The TF-IDF encoding of "${feature.step.column}" has an idf for "${state.terms[i]}" that no document count gives; fit the pipeline again.`);
		return count;
	});
	const t = state.spec.tokenizer;
	return {
		kind: 'tfidf',
		column: feature.step.column,
		rules: { form: t.form, lowercase: t.lowercase, punctuation: t.punctuation, numbers: t.numbers, maxChars: t.maxChars },
		ngrams: state.spec.ngrams,
		sublinear: state.spec.sublinear,
		terms: [...state.terms],
		df,
		documents: n
	};
}
