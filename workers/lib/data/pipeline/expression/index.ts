export type { Expr, BinaryOp } from './ast';
export { MAX_DEPTH, MAX_EXPRESSION_LENGTH, referencedColumns } from './ast';
export { parseExpression, parseExpressionWithPositions } from './parse';
export { printExpression, printColumn, printString } from './print';
export { compileExpression, type CompiledExpression, type ResultType } from './evaluate';
export type { SchemaColumn } from './check';
export { SIGNATURES, FUNCTION_NAMES, type ValueType } from './signatures';
export type { Vec } from './vectors';
