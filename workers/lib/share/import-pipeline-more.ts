import type { FeatureStep, FittedTableStep, Params } from '$workers/lib/data/pipeline';
import { parseExpression, referencedColumns } from '$workers/lib/data/pipeline/expression';
import { TFIDF_FORMAT, type TfidfState } from '$workers/lib/text/tfidf';
import { tfidfIdf, type SharePipelineStepMore, type ShareTfidfFeature } from './kinds-pipeline';

/**
 * A link's date-parts, derive, anonymise or mask-PII step back as the workbench's fitted step.
 * These steps fit nothing (derive only records the columns it reads), so the step is the link's.
 */
export function fittedStepMore(s: SharePipelineStepMore): FittedTableStep {
	switch (s.kind) {
		case 'date-parts':
			return { step: { kind: 'date-parts', column: s.column, parts: [...s.parts], keepSource: s.keepSource }, params: {}, trainingOnly: false };
		case 'derive':
			return { step: { kind: 'derive', name: s.name, expression: s.expression }, params: { columns: referencedColumns(parseExpression(s.expression)) }, trainingOnly: false };
		case 'mask-pii':
			return { step: { kind: 'mask-pii', column: s.column, kinds: [...s.kinds] }, params: {}, trainingOnly: false };
		case 'anonymise':
			return { step: { kind: 'anonymise', column: s.column, method: { ...s.method } }, params: {}, trainingOnly: false };
	}
}

/** A link's TF-IDF encoding back as the workbench's: the TfidfState with the idf rebuilt from the counts. */
export function fittedTfidf(f: ShareTfidfFeature): { step: FeatureStep; params: Params } {
	const ngrams = f.ngrams === 3 ? 3 : f.ngrams === 2 ? 2 : 1;
	const state: TfidfState = {
		format: TFIDF_FORMAT,
		version: 1,
		spec: { tokenizer: { ...f.rules }, maxFeatures: f.terms.length, minDf: 1, ngrams, sublinear: f.sublinear },
		terms: [...f.terms],
		idf: f.df.map((df) => tfidfIdf(f.documents, df)),
		documents: f.documents
	};
	const step: FeatureStep = { kind: 'tfidf', column: f.column, maxFeatures: f.terms.length, minDf: 1, ngrams, sublinear: f.sublinear, lowercase: f.rules.lowercase, punctuation: f.rules.punctuation, numbers: f.rules.numbers };
	return { step, params: state as unknown as Params };
}
