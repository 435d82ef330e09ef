// One worker thread of trees-speed.mjs's forest pool: loads Kiln's forest code once, then fits the
// trees with the seeds it is sent (fitForestTrees, as a studio pool worker fits its share).
import { parentPort } from 'node:worker_threads';
import { importTs } from './import-ts.mjs';

const m = await importTs('workers/lib/models/index.ts');
parentPort.on('message', ({ params, x, n, d, y, seeds, seed }) => {
	const part = m.fitForestTrees(params, x, n, d, y, 'classification', 2, seeds, { seed });
	const buffers = new Set();
	for (const t of part.trees) for (const a of [t.feature, t.threshold, t.missingLeft, t.left, t.right, t.value]) buffers.add(a.buffer);
	parentPort.postMessage(part, [...buffers]);
});
parentPort.postMessage('ready');
