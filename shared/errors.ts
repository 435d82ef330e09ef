/**
 * Errors cross comlink with only `name`, `message` and `stack`, so the machine-readable
 * kind lives in `name` and the message is written for the person who has to act on it.
 */
export type ErrorKind =
	| 'CsvParseError'
	| 'SchemaMismatchError'
	| 'TrainingError'
	| 'DivergedError'
	| 'BackendUnavailableError'
	| 'QuotaExceededError'
	| 'NotFoundError'
	| 'AbortError'
	| 'WorkerError'
	| 'ValidationError'
	| 'StorageError'
	| 'ImportError'
	| 'PipelineError'
	| 'ExpressionError'
	| 'ModelFormatError'
	| 'ExportError'
	| 'ShareLinkError'
	| 'SearchError'
	| 'PrivacyError'
	| 'CryptoError'
	| 'ImageDecodeError'
	| 'TokenizerError';

export class KilnError extends Error {
	constructor(kind: ErrorKind, message: string) {
		super(message);
		this.name = kind;
	}
}

export function isKind(error: unknown, kind: ErrorKind): boolean {
	return error instanceof Error && error.name === kind;
}

export function errorMessage(error: unknown): string {
	if (error instanceof Error) return error.message;
	return String(error);
}
