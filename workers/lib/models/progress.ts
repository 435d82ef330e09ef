import { KilnError } from '$shared/errors';

export function throwIfAborted(signal: AbortSignal | undefined): void {
	if (signal?.aborted) throw new KilnError('AbortError', 'Training was cancelled.');
}
