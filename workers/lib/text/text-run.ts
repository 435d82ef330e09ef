import type { Preprocessing } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import type { Checker } from '$workers/lib/share/validate';
import { TEXT_LINEAR_FORMAT, type TextLinearModel } from './linear-text';
import { TFIDF_FORMAT } from './tfidf';
import type { TokenizerState } from './tokenizer';
import { validateTokenizerState } from './tokenizer-state';
import { validateTextModelConfig, type TextModelConfig } from './nn/config';

/**
 * How a text classifier is stored in the studio's model record (the same ModelArtifacts as
 * every model, so runs, the model in use, bundles and deletion need nothing new): the topology
 * holds the text column, the fitted tokeniser or TF-IDF and, for a network, its own topology; the
 * weight buffer is the network's (empty for the linear model, whose weights are in the JSON).
 */
export const TEXT_RUN_FORMAT = 'kiln-text-run';

export type TextRunTopology =
	| { format: typeof TEXT_RUN_FORMAT; version: 1; column: string; kind: 'linear'; linear: TextLinearModel }
	| { format: typeof TEXT_RUN_FORMAT; version: 1; column: string; kind: 'neural'; tokenizer: TokenizerState; network: object };

export function isTextRunTopology(topology: unknown): boolean {
	return typeof topology === 'object' && topology !== null && (topology as { format?: unknown }).format === TEXT_RUN_FORMAT;
}

/** nn/serialise's format, repeated: importing it would pull tfjs into the data worker that reads bundles. */
const TEXT_MODEL_FORMAT = 'kiln-text-model';
const MAX_TERMS = 200_000;
const MAX_CLASSES = 1000;

function finiteList(c: Checker, value: unknown, path: string, length: number): number[] {
	const list = c.array(value, path, length, length);
	list.forEach((v, i) => c.number(v, `${path}[${i}]`));
	return list as number[];
}

function textList(c: Checker, value: unknown, path: string, max: number, min = 0): string[] {
	const list = c.array(value, path, max, min);
	list.forEach((v, i) => typeof v === 'string' || c.fail(`${path}[${i}]`, 'must be text'));
	c.unique(list as string[], path);
	return list as string[];
}

/** A TF-IDF + linear model from untrusted JSON: every array the length its terms and classes need. */
function checkLinear(c: Checker, value: unknown, path: string, classes: readonly string[]): TextLinearModel {
	const o = c.object(value, path, ['format', 'version', 'kind', 'classes', 'tfidf', 'weights', 'bias', 'iterations']);
	if (o.format !== TEXT_LINEAR_FORMAT || o.version !== 1) c.fail(path, `is not a Kiln TF-IDF model (format "${TEXT_LINEAR_FORMAT}", version 1)`);
	const kind = c.oneOf(o.kind, `${path}.kind`, ['logistic', 'naive-bayes'] as const);
	const own = textList(c, o.classes, `${path}.classes`, MAX_CLASSES, 2);
	if (own.join('\u0000') !== classes.join('\u0000')) c.fail(`${path}.classes`, 'differ from the classes in preprocessing.json');
	const t = c.object(o.tfidf, `${path}.tfidf`, ['format', 'version', 'spec', 'terms', 'idf', 'documents']);
	if (t.format !== TFIDF_FORMAT || t.version !== 1) c.fail(`${path}.tfidf`, 'is not a Kiln TF-IDF state');
	const s = c.object(t.spec, `${path}.tfidf.spec`, ['tokenizer', 'maxFeatures', 'minDf', 'ngrams', 'sublinear']);
	const w = c.object(s.tokenizer, `${path}.tfidf.spec.tokenizer`, ['form', 'lowercase', 'punctuation', 'numbers', 'maxChars']);
	const tokenizer = {
		form: c.oneOf(w.form, `${path}.tfidf.spec.tokenizer.form`, ['NFC', 'NFKC'] as const),
		lowercase: c.boolean(w.lowercase, `${path}.tfidf.spec.tokenizer.lowercase`),
		punctuation: c.oneOf(w.punctuation, `${path}.tfidf.spec.tokenizer.punctuation`, ['keep', 'drop'] as const),
		numbers: c.oneOf(w.numbers, `${path}.tfidf.spec.tokenizer.numbers`, ['keep', 'normalise'] as const),
		maxChars: c.integer(w.maxChars, `${path}.tfidf.spec.tokenizer.maxChars`, 1, 10_000_000)
	};
	const spec = {
		tokenizer,
		maxFeatures: c.integer(s.maxFeatures, `${path}.tfidf.spec.maxFeatures`, 1, MAX_TERMS),
		minDf: c.integer(s.minDf, `${path}.tfidf.spec.minDf`, 1, Number.MAX_SAFE_INTEGER),
		ngrams: c.integer(s.ngrams, `${path}.tfidf.spec.ngrams`, 1, 3) as 1 | 2 | 3,
		sublinear: c.boolean(s.sublinear, `${path}.tfidf.spec.sublinear`)
	};
	const terms = textList(c, t.terms, `${path}.tfidf.terms`, MAX_TERMS);
	const tfidf = { format: TFIDF_FORMAT as typeof TFIDF_FORMAT, version: 1 as const, spec, terms, idf: finiteList(c, t.idf, `${path}.tfidf.idf`, terms.length), documents: c.integer(t.documents, `${path}.tfidf.documents`, 0, Number.MAX_SAFE_INTEGER) };
	const k = own.length;
	return {
		format: TEXT_LINEAR_FORMAT,
		version: 1,
		kind,
		classes: own,
		tfidf,
		weights: finiteList(c, o.weights, `${path}.weights`, terms.length * k),
		bias: finiteList(c, o.bias, `${path}.bias`, k),
		iterations: c.integer(o.iterations, `${path}.iterations`, 0, Number.MAX_SAFE_INTEGER)
	};
}

/** A network's tokeniser and config from untrusted JSON; the weights' names and shapes are checked when it loads. */
function checkNeural(c: Checker, o: Record<string, unknown>, path: string, classes: number): { tokenizer: TokenizerState; network: object } {
	let tokenizer: TokenizerState;
	try {
		tokenizer = validateTokenizerState(o.tokenizer);
	} catch (error) {
		c.fail(`${path}.tokenizer`, `is damaged (${error instanceof Error ? error.message : String(error)})`);
	}
	const n = c.object(o.network, `${path}.network`, ['format', 'version', 'config']);
	if (n.format !== TEXT_MODEL_FORMAT || n.version !== 1) c.fail(`${path}.network`, `is not a Kiln text network (format "${TEXT_MODEL_FORMAT}", version 1)`);
	const config = c.object(n.config, `${path}.network.config`, ['task', 'family', 'vocabularySize', 'classes', 'maxLength', 'embeddingDim', 'trainEmbedding', 'dropout', 'seed'], ['hidden', 'filters', 'kernelSizes', 'cell', 'units', 'bidirectional', 'layers', 'heads', 'ffDim']) as unknown as TextModelConfig;
	try {
		validateTextModelConfig(config);
	} catch (error) {
		c.fail(`${path}.network.config`, `is not a valid model (${error instanceof Error ? error.message : String(error)})`);
	}
	if (config.vocabularySize !== tokenizer!.vocabulary.length) c.fail(`${path}.network.config.vocabularySize`, `is ${config.vocabularySize}, but the tokeniser has ${tokenizer!.vocabulary.length} entries`);
	if (config.classes !== classes) c.fail(`${path}.network.config.classes`, `is ${config.classes}, but preprocessing.json lists ${classes} classes${config.task === 'token' ? ' (tags)' : ''}`);
	if (config.task === 'token' && tokenizer!.kind !== 'word') c.fail(`${path}.tokenizer.kind`, 'must be "word" for a tagger, which reads whole tokens');
	return { tokenizer: tokenizer!, network: { format: TEXT_MODEL_FORMAT, version: 1, config } };
}

/**
 * A text run's model from an imported bundle: the topology (tokeniser or TF-IDF, network config)
 * and its preprocessing (the label's classes; a text run has no table features), checked so a
 * damaged file fails at import naming the field, not later at prediction.
 */
export function checkTextRunModel(c: Checker, topology: unknown, preprocessing: unknown, path: string, preprocessingPath: string): { modelTopology: TextRunTopology; preprocessing: Preprocessing } {
	const p = c.object(preprocessing, preprocessingPath, ['features', 'target', 'inputSize']);
	c.array(p.features, `${preprocessingPath}.features`, 0);
	c.integer(p.inputSize, `${preprocessingPath}.inputSize`, 0, 0);
	const t = c.object(p.target, `${preprocessingPath}.target`, ['name', 'task', 'classes']);
	c.oneOf(t.task, `${preprocessingPath}.target.task`, ['classification'] as const);
	const classes = textList(c, t.classes, `${preprocessingPath}.target.classes`, MAX_CLASSES, 2);
	const target = { name: c.string(t.name, `${preprocessingPath}.target.name`, 256, { min: 1 }), task: 'classification' as const, classes };
	const o = c.object(topology, path, ['format', 'version', 'column', 'kind'], ['linear', 'tokenizer', 'network']);
	if (o.format !== TEXT_RUN_FORMAT || o.version !== 1) c.fail(path, `is not a Kiln text run (format "${TEXT_RUN_FORMAT}", version 1)`);
	const column = c.string(o.column, `${path}.column`, 256, { min: 1 });
	const kind = c.oneOf(o.kind, `${path}.kind`, ['linear', 'neural'] as const);
	const modelTopology: TextRunTopology =
		kind === 'linear'
			? { format: TEXT_RUN_FORMAT, version: 1, column, kind, linear: checkLinear(c, o.linear, `${path}.linear`, classes) }
			: { format: TEXT_RUN_FORMAT, version: 1, column, kind, ...checkNeural(c, o, path, classes.length) };
	return { modelTopology, preprocessing: { features: [], target, inputSize: 0 } };
}

/** Refuses a text run on a path made for table models, by name, so no such path writes a broken file. */
export function refuseTextRun(topology: unknown, what: string): void {
	if (!isTextRunTopology(topology)) return;
	throw new KilnError('ExportError', `${what} cover table models; this run is a text classifier, whose tokeniser or TF-IDF vocabulary ${what.includes('ONNX') ? 'an ONNX graph or tfjs files cannot carry' : 'it cannot carry'} yet. Export it to ONNX (with its vocabulary in text.json) or the project bundle to move it (it carries the vocabulary and predicts the same after import), or predict typed text on the Predict page.`);
}
