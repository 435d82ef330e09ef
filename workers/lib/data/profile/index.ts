export { createProfiler, type Profiler, type ProfilerOptions } from './profiler';
export { detectPii, isCardNumber, isEmail, isIban, isIp, isPersonName, isPhone } from './pii';
export type {
	CategorySummary,
	ColumnSummary,
	DatasetProfile,
	Histogram,
	NumericSummary,
	PairMatrix,
	PiiKind,
	ProfileWarning,
	ProfileWarningKind,
	Quantile,
	TargetBalance,
	TopValue
} from './types';
