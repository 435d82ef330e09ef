/**
 * A language hint, not a language identifier: the writing system from Unicode scripts, and for
 * Latin script the share of very common function words of seven languages. It can tell English
 * from French in a few sentences; it cannot name a language outside its lists, and short or
 * mixed texts often get no answer.
 */
const STOPWORDS: Record<string, string> = {
	en: 'the of and to a in is it that for was on are with as be this have not at by but from they you he she or an which we his her had were been there their what all would about if has more when will one',
	fr: 'le la les de des du et est un une en que qui dans pour pas sur au aux ce il elle ne se plus par sont avec mais ou nous vous ils cette son sa ses été être très',
	de: 'der die das und ist nicht ein eine zu den von mit sich des auf für im dem auch es an als er sie wir ich aus bei nach wie noch sind wird oder aber war hat',
	es: 'el la los las de del y en que un una es por con para no se su al lo como más pero sus le ya o este sí porque esta entre cuando muy sin sobre también ha',
	it: 'il lo la le gli di del della e è un una che in per con non si da al alla dei delle sono come ma anche più questo nel nella ci ha era loro cui',
	pt: 'o a os as de do da dos das e é um uma que em no na para com não se por mais mas como ao foi ele ela são seu sua muito também já pelo pela',
	nl: 'de het een en van in is dat op te zijn met voor niet aan er maar om ook als bij dan nog wel door ze hij uit wordt werd heeft naar deze'
};
export const LANGUAGE_NAMES: Record<string, string> = { en: 'English', fr: 'French', de: 'German', es: 'Spanish', it: 'Italian', pt: 'Portuguese', nl: 'Dutch' };

const LISTS = Object.fromEntries(Object.entries(STOPWORDS).map(([code, words]) => [code, new Set(words.split(' '))]));

export function stopwords(language: string): ReadonlySet<string> {
	return LISTS[language] ?? new Set();
}

const SCRIPTS: [string, RegExp][] = [
	['Latin', /\p{Script=Latin}/u],
	['Cyrillic', /\p{Script=Cyrillic}/u],
	['Greek', /\p{Script=Greek}/u],
	['Arabic', /\p{Script=Arabic}/u],
	['Hebrew', /\p{Script=Hebrew}/u],
	['Devanagari', /\p{Script=Devanagari}/u],
	['Han', /\p{Script=Han}/u],
	['Kana', /[\p{Script=Hiragana}\p{Script=Katakana}]/u],
	['Hangul', /\p{Script=Hangul}/u],
	['Thai', /\p{Script=Thai}/u]
];

export interface LanguageHint {
	/** Writing systems by share of letters, largest first (shares of at least 5 %). */
	scripts: { script: string; share: number }[];
	/** ISO 639-1 code of the best-matching word list, or null when none stands out. */
	language: string | null;
	/** Share of word tokens that are function words of `language` (0 when null). */
	evidence: number;
	/** One honest sentence for the profile. */
	note: string;
}

/** A hint from lower-cased word tokens and a sample of the raw text. */
export function languageHint(words: readonly string[], sample: string): LanguageHint {
	const counts = new Map<string, number>();
	let letters = 0;
	for (const ch of sample) {
		if (!/\p{L}/u.test(ch)) continue;
		letters++;
		const script = SCRIPTS.find(([, re]) => re.test(ch))?.[0] ?? 'Other';
		counts.set(script, (counts.get(script) ?? 0) + 1);
	}
	const scripts = [...counts].map(([script, n]) => ({ script, share: n / letters })).filter((s) => s.share >= 0.05).sort((a, b) => b.share - a.share);
	const main = scripts[0]?.script;
	if (!main) return { scripts, language: null, evidence: 0, note: 'No letters found, so no language hint.' };
	if (main === 'Kana' || (main === 'Han' && scripts.some((s) => s.script === 'Kana'))) return { scripts, language: 'ja', evidence: 0, note: 'Japanese script (kana).' };
	if (main === 'Hangul') return { scripts, language: 'ko', evidence: 0, note: 'Korean script (Hangul).' };
	if (main === 'Greek') return { scripts, language: 'el', evidence: 0, note: 'Greek script.' };
	if (main !== 'Latin') return { scripts, language: null, evidence: 0, note: `${main} script; the hint names languages only for Latin script, Greek, Japanese and Korean.` };
	const hits = Object.fromEntries(Object.keys(LISTS).map((code) => [code, 0]));
	for (const w of words) for (const code of Object.keys(LISTS)) if (LISTS[code].has(w)) hits[code]++;
	const ranked = Object.entries(hits).sort((a, b) => b[1] - a[1]);
	const [best, n] = ranked[0];
	const second = ranked[1][1];
	const evidence = words.length > 0 ? n / words.length : 0;
	// Function words are a quarter to half of running text in these languages; demand a clear lead.
	if (words.length < 20 || evidence < 0.1 || n < 1.5 * second) {
		return { scripts, language: null, evidence: 0, note: `Latin script; too little or too mixed evidence to name one of ${Object.values(LANGUAGE_NAMES).join(', ')}.` };
	}
	return { scripts, language: best, evidence, note: `Probably ${LANGUAGE_NAMES[best]}: ${(100 * evidence).toFixed(0)} % of the words are common ${LANGUAGE_NAMES[best]} function words.` };
}
