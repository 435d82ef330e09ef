import { describe, expect, it } from 'vitest';
import { languageHint } from './language';
import { findPii, maskPii } from './pii';
import { profileText } from './profile';
import { textsAndLabels } from './text.spec-support';
import { DEFAULT_WORD_OPTIONS, wordTokens } from './word-tokenizer';

describe('PII in text', () => {
	it('finds e-mails and phone numbers, and masks them', () => {
		const text = 'Mail jane.doe+news@example.co.uk or call +44 20 7946 0958, (555) 123-4567 or 0612345678.';
		expect(findPii(text).map((m) => [m.kind, text.slice(m.start, m.end)])).toEqual([
			['email', 'jane.doe+news@example.co.uk'],
			['phone', '+44 20 7946 0958'],
			['phone', '(555) 123-4567'],
			['phone', '0612345678']
		]);
		expect(maskPii(text)).toEqual({ text: 'Mail [EMAIL] or call [PHONE], [PHONE] or [PHONE].', counts: { email: 1, phone: 3 } });
		expect(maskPii(text, ['email']).text).toBe('Mail [EMAIL] or call +44 20 7946 0958, (555) 123-4567 or 0612345678.');
	});

	it('leaves dates, prices, versions, IP addresses and short numbers alone', () => {
		for (const text of ['on 2002-08-22 at 10:30', 'costs 1,299.99 dollars', 'version 4.22.0', 'host 192.168.0.1', 'room 1234', 'order #12 3', 'pi is 3.14159265']) {
			expect(findPii(text)).toEqual([]);
		}
	});
});

describe('language hint', () => {
	const words = (text: string) => wordTokens(text.toLowerCase(), DEFAULT_WORD_OPTIONS).tokens;
	const en = 'The cat sat on the mat and it was happy that the sun was out, but the dog was not there with them at all. '.repeat(2);
	const fr = "Le chat est sur le tapis et il est content que le soleil soit là, mais le chien n'est pas avec nous dans la maison. ".repeat(2);
	const de = 'Der Hund ist nicht im Haus, und die Katze sitzt auf dem Teppich, aber sie ist auch mit dem Kind in der Küche. '.repeat(2);

	it('names English, French and German from function words, and admits when it cannot', () => {
		expect(languageHint(words(en), en).language).toBe('en');
		expect(languageHint(words(fr), fr).language).toBe('fr');
		expect(languageHint(words(de), de).language).toBe('de');
		const short = languageHint(words('Great phone!'), 'Great phone!');
		expect(short.language).toBeNull();
		expect(short.note).toMatch(/too little or too mixed/);
	});

	it('reports the script for other writing systems', () => {
		expect(languageHint([], 'Привет, как дела? Всё хорошо.').scripts[0].script).toBe('Cyrillic');
		expect(languageHint([], 'Привет, как дела?').language).toBeNull();
		expect(languageHint([], '東京タワーへ行きました').language).toBe('ja');
	});
});

describe('text profile', () => {
	it('counts lengths, vocabulary, duplicates with conflicting labels, PII and bad input', () => {
		const texts = ['Great film, great cast!', 'Awful film.', 'great film, great cast!', null, '   ', 'Call me: 555-123-4567', 'broken \uFFFD bytes', 'x'.repeat(25_000)];
		const labels = ['pos', 'neg', 'neg', 'pos', 'pos', 'pos', 'neg', 'neg'];
		const p = profileText(texts, labels);
		expect(p.texts).toBe(8);
		expect(p.missing).toBe(1);
		expect(p.empty).toBe(1);
		expect(p.duplicates).toMatchObject({ rows: 1, groups: 1, conflicting: 1 });
		expect(p.duplicates.examples[0]).toEqual({ text: 'great film, great cast!', count: 2, labels: ['neg', 'pos'] });
		expect(p.pii).toMatchObject({ email: 0, phone: 1, rows: 1, examples: ['Call me: [PHONE]'] });
		expect(p.replacementCharacters).toBe(1);
		expect(p.overLimit).toBe(1);
		expect(p.characters.max).toBe(25_000);
		expect(p.tokens.histogram.counts.reduce((a, b) => a + b, 0)).toBe(7);
		expect(p.perClass.map((c) => [c.label, c.texts])).toEqual([['neg', 4], ['pos', 3]]);
		expect(p.perClass[1].topTokens[0]).toEqual({ token: 'great', count: 2 });
		expect(p.warnings.join(' ')).toMatch(/carry different labels/);
		expect(p.warnings.join(' ')).toMatch(/not UTF-8/);
	});

	it('profiles the shipped sentiment set: English, balanced, top words per class that make sense', () => {
		const { texts, labels } = textsAndLabels('sentiment.csv', 'text', 'sentiment');
		const p = profileText(texts, labels);
		expect(p.language.language).toBe('en');
		expect(p.perClass.map((c) => c.label)).toEqual(['negative', 'positive']);
		const words = (label: string) => p.perClass.find((c) => c.label === label)!.topTokens.map((t) => t.token);
		expect(words('positive')).toContain('great');
		expect(words('negative')).toContain('bad');
		expect(p.vocabularySize).toBeGreaterThan(4000);
		expect(p.tokens.median).toBeGreaterThan(5);
	});

	it('a label column with one class is flagged', () => {
		expect(profileText(['a b', 'c d'], ['x', 'x']).warnings.join(' ')).toMatch(/only one class \("x"\)/);
	});
});
