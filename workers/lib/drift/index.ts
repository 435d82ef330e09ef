export { driftReport, FEW_ROWS, fewRowsNote, largestPsi, shiftedColumns, type DriftInput } from './report';
export { textDriftReport, words, type TextDriftInput } from './text';
export { numericDrift, categoricalDrift, countsAt, countLabels, valuesAt, plainNumber, isoDate } from './column';
export { psi, driftLevel, chanceIndex, CHANCE_ROWS } from './psi';
export { ksStatistic, ksPValue, kolmogorovQ } from './ks';
