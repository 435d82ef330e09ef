/**
 * What every text goes through before tokenising, at training and at prediction alike, so both
 * see the same characters: Unicode normalisation, replacement characters from a bad decode
 * dropped, a length cap so a 1 MB cell cannot stall a worker.
 */

/** Characters kept per text by default; enough for a long e-mail, far below a pathological cell. */
export const DEFAULT_MAX_CHARS = 20_000;
/** U+FFFD, what TextDecoder puts where the bytes were not valid UTF-8. */
export const REPLACEMENT = '\uFFFD';

export type UnicodeForm = 'NFC' | 'NFKC';

export interface NormaliseOptions {
	form: UnicodeForm;
	lowercase: boolean;
	maxChars: number;
}

export interface NormalisedText {
	text: string;
	/** The text was longer than `maxChars` and was cut. */
	truncated: boolean;
	/** Replacement characters removed (a sign the file was not valid UTF-8). */
	replaced: number;
}

const REPLACEMENTS = /\uFFFD+/g;
// Unpaired surrogates cannot be encoded back to UTF-8; they only arise from broken input.
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The first `n` UTF-16 units, one fewer when the cut would split a surrogate pair. */
function cut(text: string, n: number): string {
	const code = text.charCodeAt(n - 1);
	return text.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}

export function normaliseText(raw: string | null | undefined, options: NormaliseOptions): NormalisedText {
	if (raw === null || raw === undefined || raw === '') return { text: '', truncated: false, replaced: 0 };
	let text = raw;
	let truncated = false;
	// Cut before normalising so the cost is bounded; 2× leaves room for NFC shrinking the text.
	if (text.length > options.maxChars * 2) {
		text = cut(text, options.maxChars * 2);
		truncated = true;
	}
	let replaced = 0;
	if (text.includes(REPLACEMENT) || /[\uD800-\uDFFF]/.test(text)) {
		text = text.replace(REPLACEMENTS, (m) => ((replaced += m.length), ' ')).replace(LONE_SURROGATES, () => (replaced++, ' '));
	}
	text = text.normalize(options.form);
	if (options.lowercase) text = text.toLowerCase();
	if (text.length > options.maxChars) {
		text = cut(text, options.maxChars);
		truncated = true;
	}
	return { text, truncated, replaced };
}

/** Counts gathered while tokenising many texts, turned into warnings a person can act on. */
export interface TextIssues {
	texts: number;
	empty: number;
	truncated: number;
	replaced: number;
	/** Tokens mapped to [UNK] (unseen at training time, or too rare to be kept). */
	unknownTokens: number;
	/** Texts with at least one unknown token. */
	textsWithUnknown: number;
	tokens: number;
	/** Token sequences cut at the model's maximum length. */
	clipped: number;
}

export const noIssues = (): TextIssues => ({ texts: 0, empty: 0, truncated: 0, replaced: 0, unknownTokens: 0, textsWithUnknown: 0, tokens: 0, clipped: 0 });

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export function describeIssues(issues: TextIssues, maxChars: number, maxLength?: number): string[] {
	const out: string[] = [];
	if (issues.empty > 0) out.push(`${plural(issues.empty, 'text is', 'texts are')} empty; ${issues.empty === 1 ? 'it gives' : 'they give'} the model nothing to read, so ${issues.empty === 1 ? 'its' : 'their'} prediction is the model's prior.`);
	if (issues.truncated > 0) out.push(`${plural(issues.truncated, 'text was', 'texts were')} longer than ${maxChars.toLocaleString('en-US')} characters and ${issues.truncated === 1 ? 'was' : 'were'} cut to that length.`);
	if (issues.replaced > 0) out.push(`${plural(issues.replaced, 'character')} could not be decoded (the file is probably not UTF-8) and ${issues.replaced === 1 ? 'was' : 'were'} read as spaces.`);
	if (issues.unknownTokens > 0) {
		const share = issues.tokens > 0 ? ((100 * issues.unknownTokens) / issues.tokens).toFixed(1) : '0';
		out.push(`${plural(issues.unknownTokens, 'token')} (${share} %) in ${plural(issues.textsWithUnknown, 'text')} ${issues.unknownTokens === 1 ? 'was' : 'were'} not in the training vocabulary and ${issues.unknownTokens === 1 ? 'counts' : 'count'} as [UNK].`);
	}
	if (issues.clipped > 0 && maxLength !== undefined) out.push(`${plural(issues.clipped, 'text')} had more than ${maxLength} tokens; the model reads only the first ${maxLength}.`);
	return out;
}

export function mergeIssues(a: TextIssues, b: TextIssues): TextIssues {
	return {
		texts: a.texts + b.texts,
		empty: a.empty + b.empty,
		truncated: a.truncated + b.truncated,
		replaced: a.replaced + b.replaced,
		unknownTokens: a.unknownTokens + b.unknownTokens,
		textsWithUnknown: a.textsWithUnknown + b.textsWithUnknown,
		tokens: a.tokens + b.tokens,
		clipped: a.clipped + b.clipped
	};
}
