/** What the importer reads (workers/lib/data/import): the Data page's files and Predict's files of new rows. */
export const TABLE_FILES = '.csv,.tsv,.tab,.psv,.txt,.json,.jsonl,.ndjson,.parquet,.gz,.zip,text/csv,text/plain,application/json';
export const TABLE_FILES_PROMPT = 'Drop a CSV, TSV, JSON, Parquet, .gz or .zip file here, or';
