import { KilnError } from '$shared/errors';
import type { ImportContext } from './context';
import { fixC1 } from './encoding';
import { JsonSplitter } from './json-split';
import type { ImportEnd } from './types';
import { ValueImporter } from './value-import';

/** JSON (an array of objects) or JSON Lines, decoded as it streams and split into records. */
export async function importJson(input: AsyncIterable<Uint8Array>, mode: 'json' | 'jsonl', ctx: ImportContext): Promise<ImportEnd> {
	const importer = new ValueImporter(ctx, { ...ctx.format, format: mode }, mode === 'json' ? 'record' : 'line');
	const encoding = ctx.format.encoding === 'windows-1252' ? 'windows-1252' : 'utf-8';
	const decoder = new TextDecoder(encoding);
	const splitter = new JsonSplitter(
		mode,
		(text, record, line) => {
			let value: unknown;
			try {
				value = JSON.parse(text);
			} catch (e) {
				const why = e instanceof Error ? e.message : String(e);
				throw new KilnError('ImportError', `${ctx.fileName}: record ${record} (line ${line}) is not valid JSON (${why}).`);
			}
			importer.addObject(value as Record<string, unknown>, mode === 'json' ? record : line);
		},
		ctx.fileName,
		ctx.limits.maxRowBytes
	);
	for await (const slice of input) {
		const text = decoder.decode(slice, { stream: true });
		splitter.push(encoding === 'windows-1252' ? fixC1(text) : text);
		await importer.flush();
		ctx.emitter.progress(importer.rowsPending);
	}
	splitter.push(decoder.decode());
	splitter.finish();
	return importer.end();
}
