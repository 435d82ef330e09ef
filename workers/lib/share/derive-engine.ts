import type { Column } from '$workers/protocol';
import { compileExpression, type CompiledExpression } from '$workers/lib/data/pipeline/expression';
import type { DeriveEngine, PipelineCell } from './runtime-pipeline-more';

/**
 * Derive steps in links, through the studio's own expression parser, type checker and evaluator
 * (workers/lib/data/pipeline/expression: no eval, no Function) on a one-row table, turned into a
 * cell as the derive step does: numbers as numbers, conditions as 1/0 (unknown → missing), text as
 * text. Compiled once per expression and column layout.
 */
export function studioDeriveEngine(): DeriveEngine {
	const compiled = new Map<string, CompiledExpression>();
	return (expression, columns) => {
		const schema = columns.map(({ name, cell }) => ({ name, kind: cell.n ? ('numeric' as const) : ('categorical' as const) }));
		const key = `${expression}\u0000${schema.map((c) => `${c.kind[0]}${c.name}`).join('\u0000')}`;
		let program = compiled.get(key);
		if (!program) {
			program = compileExpression(expression, schema);
			if (compiled.size > 256) compiled.clear();
			compiled.set(key, program);
		}
		const table = {
			rowCount: 1,
			columns: columns.map(({ name, cell }): Column => (cell.n ? { name, kind: 'numeric', values: Float64Array.of(cell.v) } : { name, kind: 'categorical', categories: cell.v === null ? [] : [cell.v], codes: Int32Array.of(cell.v === null ? -1 : 0) }))
		};
		const result = program.evaluate(table);
		let out: PipelineCell;
		if (result.type === 'number') out = { n: true, v: result.values[0] };
		else if (result.type === 'bool') out = { n: true, v: result.values[0] < 0 ? NaN : result.values[0] };
		else out = { n: false, v: result.codes[0] < 0 ? null : result.dict[result.codes[0]] };
		return out;
	};
}
