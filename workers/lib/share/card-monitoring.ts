import type { DriftReport } from '$workers/protocol';
import { largestPsi, shiftedColumns } from '../drift/report';
import type { MonitoringSection } from './types';

/** The checks a model card reads: a stored drift check's time, file and report. */
export interface StoredCheck {
	at: number;
	fileName: string;
	report: DriftReport;
}

/** Recent checks listed on a card; the count and dates cover every stored one. */
const LISTED = 10;

/** A model's drift checks (oldest first) as its card's monitoring facts; undefined when none was made. */
export function monitoringSection(checks: readonly StoredCheck[]): MonitoringSection | undefined {
	if (checks.length === 0) return undefined;
	const latest = checks[checks.length - 1];
	return {
		checks: checks.length,
		first: checks[0].at,
		latest: {
			at: latest.at,
			fileName: latest.fileName,
			rows: latest.report.currentRows,
			referenceRows: latest.report.referenceRows,
			columns: latest.report.columns.length,
			shifted: shiftedColumns(latest.report).map((c) => ({ name: c.name, psi: c.psi, level: c.level }))
		},
		recent: checks.slice(-LISTED).map((c) => ({ at: c.at, fileName: c.fileName, rows: c.report.currentRows, shifted: shiftedColumns(c.report).length, largest: largestPsi(c.report) }))
	};
}
