import * as tf from '@tensorflow/tfjs-core';
import { AUTO_ORDER, BACKEND_ORDER, type BackendChoice, type BackendName, type BackendReport } from '../protocol';
import { KilnError, errorMessage } from '$shared/errors';

/** Imports (and so registers) one tfjs backend; kept outside lib because it is bundler-specific. */
export type BackendLoaders = Record<BackendName, () => Promise<unknown>>;

/**
 * tfjs falls back silently when a backend fails to start, and a broken GPU path can return
 * zeros, so a backend only counts once it is active and computes a known product correctly.
 */
export async function tryBackend(name: BackendName, loaders: BackendLoaders): Promise<string | null> {
	try {
		await loaders[name]();
		if (!(await tf.setBackend(name))) return 'it failed to start';
		await tf.ready();
		if (tf.getBackend() !== name) return `tfjs fell back to ${tf.getBackend()}`;
		const product = tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2]));
		const values = Array.from(await product.data());
		tf.dispose(product);
		if (values.join() !== '19,22,43,50') return `it computed a wrong result (${values.join(', ')})`;
		return null;
	} catch (error) {
		return errorMessage(error) || 'it failed to start';
	}
}

/**
 * Activate the chosen backend, or the fastest working one for 'auto'. A chosen backend that
 * does not work falls back to the automatic order and says so in `note`.
 */
export async function activateBackend(choice: BackendChoice, loaders: BackendLoaders): Promise<{ backend: BackendName; note: string }> {
	const problems: string[] = [];
	if (choice !== 'auto') {
		const problem = await tryBackend(choice, loaders);
		if (!problem) return { backend: choice, note: '' };
		problems.push(`${choice}: ${problem}`);
	}
	for (const name of AUTO_ORDER) {
		if (name === choice) continue;
		const problem = await tryBackend(name, loaders);
		if (!problem) return { backend: name, note: choice === 'auto' ? '' : `${choice} is not available here (${problems[0]}); using ${name} instead.` };
		problems.push(`${name}: ${problem}`);
	}
	throw new KilnError('BackendUnavailableError', `No compute backend works in this browser. ${problems.join('; ')}.`);
}

/** Float32 256×256 matmul throughput, including the read-back a real job pays. */
export async function measureGflops(budgetMs = 250): Promise<number> {
	const n = 256;
	const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
	const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
	try {
		const warm = tf.matMul(a, b);
		await warm.data();
		warm.dispose();
		let runs = 0;
		const start = performance.now();
		while (performance.now() - start < budgetMs || runs < 2) {
			const c = tf.matMul(a, b);
			await c.data();
			c.dispose();
			runs++;
		}
		const seconds = (performance.now() - start) / 1000;
		return (runs * 2 * n ** 3) / seconds / 1e9;
	} finally {
		tf.dispose([a, b]);
	}
}

/** Try every backend, measure the ones that work, and leave `restore` active afterwards. */
export async function probeBackends(loaders: BackendLoaders, restore: BackendName | null): Promise<BackendReport[]> {
	const reports: BackendReport[] = [];
	for (const name of BACKEND_ORDER) {
		const problem = await tryBackend(name, loaders);
		if (problem) {
			reports.push({ name, available: false, detail: problem });
			continue;
		}
		reports.push({ name, available: true, detail: 'works', gflops: await measureGflops() });
	}
	if (restore) await tryBackend(restore, loaders);
	return reports;
}
