/**
 * One macrotask turn. A worker's training loop otherwise awaits only microtasks (the wasm
 * backend's `data()` resolves at once), and a worker that never reaches its task queue holds back
 * whatever waits there: IndexedDB events, so a transaction it began stays open and every other
 * transaction on those stores, the page's included, queues behind it (a Tune search's trial stores
 * trailed the whole search this way: the worker's checkpoint write, left to finish in the
 * background, advanced only between jobs). A MessageChannel message, not setTimeout(0), whose
 * nested calls are clamped to 4 ms.
 */
export function yieldTask(): Promise<void> {
	return new Promise((resolve) => {
		const { port1, port2 } = new MessageChannel();
		port1.onmessage = () => {
			port1.close();
			resolve();
		};
		port2.postMessage(null);
	});
}

/** A loop's yield at most every `everyMs`: call it often, it takes a turn only when one is due. */
export function yielder(everyMs = 50): () => Promise<void> | undefined {
	let last = performance.now();
	return () => {
		const now = performance.now();
		if (now - last < everyMs) return undefined;
		return yieldTask().then(() => {
			last = performance.now();
		});
	};
}
