// The native side of the bench: one long-lived /usr/bin/python3 bench/torch_bench.py process,
// asked for one measurement at a time so native and browser runs can alternate in rounds.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

// /usr/bin/python3 on purpose: python3-torch is a Debian package, invisible to a pyenv python.
const PYTHON = '/usr/bin/python3';
// One 2-thread OpenMP run took 60 s instead of 0.5 s on a machine at load 13: generous, not endless.
const ANSWER_TIMEOUT_MS = 600_000;

/** Starts torch_bench.py; resolves to { probe(), run(threads, work), close() } or rejects with why not. */
export function startNative(script, headerPath, { epochs, latencyRuns, warmupBatches = 1 }) {
	const child = spawn(PYTHON, [script, headerPath, '--epochs', String(epochs), '--latency-runs', String(latencyRuns), '--warmup-batches', String(warmupBatches)], { stdio: ['pipe', 'pipe', 'pipe'] });
	const lines = createInterface({ input: child.stdout });
	const waiting = [];
	let stderr = '';
	let exited = null;
	child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
	lines.on('line', (line) => waiting.shift()?.resolve(line));
	child.on('exit', (code, signal) => {
		exited = `torch_bench.py exited (${signal ?? code}): ${stderr.trim().split('\n').pop() ?? ''}`;
		for (const w of waiting.splice(0)) w.reject(new Error(exited));
	});
	child.on('error', (error) => {
		exited = `could not start ${PYTHON}: ${error.message}`;
		for (const w of waiting.splice(0)) w.reject(new Error(exited));
	});

	function ask(command) {
		if (exited) return Promise.reject(new Error(exited));
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`torch_bench.py gave no answer to ${JSON.stringify(command)} within ${ANSWER_TIMEOUT_MS / 1000} s`)), ANSWER_TIMEOUT_MS);
			waiting.push({
				resolve: (line) => {
					clearTimeout(timer);
					const answer = JSON.parse(line);
					if (answer.error) reject(new Error(answer.error));
					else resolve(answer);
				},
				reject: (error) => {
					clearTimeout(timer);
					reject(error);
				}
			});
			child.stdin.write(`${JSON.stringify(command)}\n`);
		});
	}

	return {
		probe: () => ask({ cmd: 'probe' }),
		/** `work` = { model: 'mlp' | 'cnn', samples, epochs }; omitted: the MLP on every row for the set epochs. */
		run: (threads, work = {}) => ask({ cmd: 'run', threads, ...work }),
		close: () =>
			new Promise((resolve) => {
				if (exited) return resolve();
				child.once('exit', () => resolve());
				child.stdin.end();
			})
	};
}
