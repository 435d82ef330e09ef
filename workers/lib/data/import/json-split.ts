import { KilnError } from '$shared/errors';

/**
 * Splits streamed JSON text into top-level records without parsing all of it at once:
 * `json` mode reads the objects of one top-level array, `jsonl` mode reads objects one after
 * another (one per line, or pretty-printed). Each complete record's text goes to `onRecord`,
 * which JSON.parses it; strings and escapes are tracked so brackets inside them do not count.
 */
const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const LF = 10;

function isSpace(c: number): boolean {
	return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff;
}

export class JsonSplitter {
	private depth = 0;
	private inString = false;
	private escape = false;
	private parts: string[] = [];
	private partsLength = 0;
	private inRecord = false;
	private started = false;
	private ended = false;
	private line = 1;
	private recordLine = 1;
	private records = 0;

	constructor(
		private readonly mode: 'json' | 'jsonl',
		private readonly onRecord: (text: string, record: number, line: number) => void,
		private readonly fileName: string,
		private readonly maxRecordChars: number
	) {}

	private fail(message: string): never {
		throw new KilnError('ImportError', `${this.fileName}: ${message}`);
	}

	push(text: string): void {
		const base = this.mode === 'json' ? 1 : 0;
		let start = this.inRecord ? 0 : -1;
		for (let i = 0; i < text.length; i++) {
			const c = text.charCodeAt(i);
			if (this.inString) {
				if (this.escape) this.escape = false;
				else if (c === BACKSLASH) this.escape = true;
				else if (c === QUOTE) this.inString = false;
				else if (c === LF) this.line++;
				continue;
			}
			if (c === LF) this.line++;
			if (this.inRecord) {
				if (c === QUOTE) this.inString = true;
				else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
				else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
					this.depth--;
					if (this.depth === base) {
						this.parts.push(text.slice(start, i + 1));
						const record = this.parts.join('');
						this.parts = [];
						this.partsLength = 0;
						this.inRecord = false;
						this.records++;
						this.onRecord(record, this.records, this.recordLine);
					}
				}
				continue;
			}
			if (isSpace(c)) continue;
			if (this.ended) this.fail(`unexpected text after the end of the JSON array (line ${this.line}).`);
			if (this.mode === 'json' && !this.started) {
				if (c !== OPEN_BRACKET) this.fail('a JSON file must hold an array of objects ([{...}, {...}]); this one does not start with "[". For one object per line, name the file .jsonl.');
				this.started = true;
				this.depth = 1;
				continue;
			}
			if (this.mode === 'json' && c === COMMA) continue;
			if (this.mode === 'json' && c === CLOSE_BRACKET) {
				this.ended = true;
				this.depth = 0;
				continue;
			}
			if (c !== OPEN_BRACE) {
				const what = this.mode === 'json' ? `element ${this.records + 1} of the array` : `record ${this.records + 1}`;
				this.fail(`${what} (line ${this.line}) is not an object. Every row must be an object such as {"column": value}.`);
			}
			this.inRecord = true;
			this.depth = base + 1;
			this.recordLine = this.line;
			start = i;
		}
		if (this.inRecord) {
			const rest = text.slice(start);
			this.parts.push(rest);
			this.partsLength += rest.length;
			if (this.partsLength > this.maxRecordChars) {
				this.fail(`the record starting on line ${this.recordLine} is longer than ${Math.round(this.maxRecordChars / 1048576)} MB, which Kiln does not read as one row.`);
			}
		}
	}

	finish(): void {
		if (this.inString || this.inRecord) this.fail(`the file ends inside a record that started on line ${this.recordLine} (a closing "}" or quote is missing).`);
		if (this.mode === 'json' && this.started && !this.ended) this.fail('the JSON array is never closed (a "]" is missing at the end).');
		if (this.mode === 'json' && !this.started) this.fail('the file holds no JSON array.');
	}
}
