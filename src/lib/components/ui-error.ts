/** What the page shows of any failure: its kind (the error's `name`) and its message. */
export interface UiError {
	name: string;
	message: string;
}

export function toUiError(error: unknown): UiError {
	if (error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)) {
		const e = error as { name?: string; message: string };
		return { name: e.name ?? 'Error', message: e.message };
	}
	return { name: 'Error', message: String(error) };
}
