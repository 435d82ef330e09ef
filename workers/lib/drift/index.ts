export { driftReport, FEW_ROWS, type DriftInput } from './report';
export { numericDrift, categoricalDrift, countsAt, countLabels, valuesAt, plainNumber, isoDate } from './column';
export { psi, driftLevel } from './psi';
export { ksStatistic, ksPValue, kolmogorovQ } from './ks';
