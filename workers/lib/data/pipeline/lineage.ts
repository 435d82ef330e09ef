import type { ColumnKind, ExpectedColumn, Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import type { Effect } from './step-definition';
import { didYouMean } from './expression/suggest';

/**
 * Follows columns through the table steps while fitting, to decide two things a prediction
 * file needs: which raw columns it must hold, and which steps cannot run on it because they
 * need the target (a prediction file has none) — or would leak it into a feature.
 */
export class Lineage {
	private readonly input: Map<string, ColumnKind>;
	/** Columns written by steps that also run at prediction. */
	private readonly produced = new Set<string>();
	/** The target and every column computed from it. */
	private readonly tainted = new Set<string>();
	private readonly required = new Map<string, ColumnKind>();
	target: string | null;

	constructor(table: Table, target: string | null) {
		this.input = new Map(table.columns.map((c) => [c.name, c.kind]));
		this.target = target;
		if (target !== null) {
			if (!this.input.has(target)) throw new KilnError('PipelineError', `There is no target column "${target}".${didYouMean(target, [...this.input.keys()])}`);
			this.tainted.add(target);
		}
	}

	/** Records a step's effects; returns true when it must be skipped at prediction. */
	step(effects: Effect[], removesRows: boolean): boolean {
		if (removesRows) return true;
		const fromTarget = effects.filter((e) => e.reads.some((r) => this.tainted.has(r)));
		if (fromTarget.length > 0 && fromTarget.length < effects.length) {
			throw new KilnError('PipelineError', `this step changes the target "${this.target}" (or a column made from it) together with other columns. A prediction file has no target, so give the target a step of its own.`);
		}
		if (fromTarget.length > 0) {
			for (const e of effects) this.followTarget(e);
			return true;
		}
		for (const e of effects) {
			if (this.target !== null && e.removes.includes(this.target)) throw new KilnError('PipelineError', `this step removes the target "${this.target}"; the model needs it to learn from.`);
			if (this.target !== null && e.writes.includes(this.target)) throw new KilnError('PipelineError', `this step overwrites the target "${this.target}" with values computed from other columns.`);
			for (const r of e.reads) if (!this.produced.has(r) && !this.required.has(r) && this.input.has(r)) this.required.set(r, this.input.get(r)!);
			for (const r of e.removes) {
				this.produced.delete(r);
				this.tainted.delete(r);
			}
			for (const w of e.writes) {
				this.produced.add(w);
				this.tainted.delete(w);
			}
		}
		return false;
	}

	private followTarget(e: Effect): void {
		const target = this.target!;
		if (e.removes.includes(target) && !e.writes.includes(target)) {
			// A rename moves the target; anything else that removes it loses it.
			if (e.writes.length !== 1 || !e.reads.includes(target)) throw new KilnError('PipelineError', `this step removes the target "${target}"; the model needs it to learn from.`);
			this.target = e.writes[0];
		}
		for (const r of e.removes) this.tainted.delete(r);
		for (const w of e.writes) {
			this.tainted.add(w);
			this.produced.delete(w);
		}
	}

	/** A model input column: never the target or anything computed from it. */
	feature(column: string): void {
		if (column === this.target) throw new KilnError('PipelineError', `"${column}" is the target; it cannot also be a model input.`);
		if (this.tainted.has(column)) throw new KilnError('PipelineError', `"${column}" is computed from the target "${this.target}"; as a model input it would leak the answer. Remove it from the features.`);
		if (!this.produced.has(column) && !this.required.has(column) && this.input.has(column)) this.required.set(column, this.input.get(column)!);
	}

	inputs(): ExpectedColumn[] {
		return [...this.required].map(([name, kind]) => ({ name, kind }));
	}
}
