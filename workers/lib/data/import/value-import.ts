import { KilnError } from '$shared/errors';
import { ChunkBuilder, valueText } from './builder';
import type { ImportContext } from './context';
import { normalizeNames, planColumns } from './sample';
import type { FormatInfo, ImportEnd } from './types';

const SAMPLE_CELLS = 2_000_000;

/**
 * Rows that arrive as JS values (JSON records, Parquet rows): a sample decides the columns and
 * their types (from the values' text, as for CSV; numbers stay numbers), then every row goes
 * straight into the chunk builder.
 */
export class ValueImporter {
	private builder: ChunkBuilder | null = null;
	private keys: string[] = [];
	private keyIndex = new Map<string, number>();
	private readonly sampleObjects: { value: Record<string, unknown>; line: number }[] = [];
	private readonly sampleArrays: { value: unknown[]; line: number }[] = [];
	private schemaPending = false;
	private readonly format: FormatInfo;
	private readonly sampleLimit: number;

	constructor(
		private readonly ctx: ImportContext,
		format: Omit<FormatInfo, 'sampleRows'>,
		private readonly unit: 'record' | 'row' | 'line',
		/** Known column names (Parquet); JSON discovers them from the sample's keys. */
		private readonly fixedNames: string[] | null = null
	) {
		this.format = { ...format, sampleRows: 0 };
		const width = fixedNames?.length ?? 20;
		this.sampleLimit = Math.min(ctx.options.sampleRows ?? 10_000, Math.max(100, Math.floor(SAMPLE_CELLS / Math.max(1, width))));
	}

	get rowsPending(): number {
		return this.builder ? this.builder.rowCount - this.ctx.emitter.rowCount : this.sampleObjects.length + this.sampleArrays.length;
	}

	addObject(value: Record<string, unknown>, line: number): void {
		if (!this.builder) {
			this.sampleObjects.push({ value, line });
			for (const key of Object.keys(value)) {
				if (this.keyIndex.has(key)) continue;
				if (this.keys.length >= this.ctx.limits.maxFields) {
					throw new KilnError('ImportError', `${this.ctx.fileName}: the records have more than ${this.ctx.limits.maxFields.toLocaleString('en')} different keys.`);
				}
				this.keyIndex.set(key, this.keys.length);
				this.keys.push(key);
			}
			if (this.sampleObjects.length >= this.sampleLimit) this.plan();
			return;
		}
		this.builder.addValues(this.align(value, line), line);
	}

	addArray(value: unknown[], line: number): void {
		if (!this.builder) {
			this.sampleArrays.push({ value, line });
			if (this.sampleArrays.length >= this.sampleLimit) this.plan();
			return;
		}
		this.builder.addValues(value, line);
	}

	private align(value: Record<string, unknown>, line: number): unknown[] {
		const row = new Array<unknown>(this.keys.length);
		for (const key in value) {
			const c = this.keyIndex.get(key);
			if (c !== undefined) row[c] = value[key];
			else {
				this.ctx.warnings.once(`key:${key}`, {
					kind: 'ignored-key',
					line,
					message: `Key "${key}" first appears in ${this.unit} ${line}, after the ${this.format.sampleRows.toLocaleString('en')} ${this.unit}s the columns were taken from; it was not imported.`
				});
			}
		}
		return row;
	}

	private plan(): void {
		const names = this.fixedNames ?? this.keys;
		const rows: unknown[][] = this.fixedNames ? this.sampleArrays.map((r) => r.value) : this.sampleObjects.map((r) => this.align(r.value, r.line));
		if (rows.length === 0) throw new KilnError('ImportError', `${this.ctx.fileName} holds no ${this.unit}s.`);
		if (names.length === 0) throw new KilnError('ImportError', `${this.ctx.fileName}: the ${this.unit}s have no fields.`);
		const normalized = normalizeNames(names, names.length);
		normalized.warnings.forEach((w) => this.ctx.warnings.add(w));
		const texts = rows.map((r) => Array.from({ length: names.length }, (_, c) => valueText(r[c])));
		const planned = planColumns(normalized.names, texts, this.ctx.sampleOptions);
		planned.warnings.forEach((w) => this.ctx.warnings.add(w));
		this.ctx.columns = planned.columns;
		this.format.sampleRows = rows.length;
		const builder = new ChunkBuilder(planned.columns, this.ctx.missing, planned.missingLike, this.ctx.warnings, this.ctx.decode, this.ctx.options.numberFormat);
		this.builder = builder;
		this.schemaPending = true;
		const lines = this.fixedNames ? this.sampleArrays.map((r) => r.line) : this.sampleObjects.map((r) => r.line);
		rows.forEach((r, i) => builder.addValues(r, lines[i]));
		this.sampleObjects.length = 0;
		this.sampleArrays.length = 0;
	}

	async flush(): Promise<void> {
		if (this.schemaPending) {
			this.schemaPending = false;
			await this.ctx.emitter.schema(this.ctx.columns, this.format);
		}
		if (this.builder) await this.ctx.emitter.drain(this.builder);
	}

	async end(): Promise<ImportEnd> {
		if (!this.builder) this.plan();
		await this.flush();
		return this.ctx.emitter.end(this.builder as ChunkBuilder, this.ctx.reader, this.format, this.unit);
	}
}
