import * as tf from '@tensorflow/tfjs-core';
import { loaders } from '../../workers/backend-loaders';
import { activateBackend } from '$workers/lib/backend';
import { buildModel } from '$workers/lib/model';
import { makeTrainStep } from '$workers/lib/train';
import { LOSS_READ_EVERY } from '$workers/lib/train-loop';
import { registerWasmKernels } from '$workers/lib/kernels/register';
import { adamUsesSimd } from '$workers/lib/kernels/dense-train';
import { gemmOn, setGemmMode, startGemmThread } from '$workers/lib/kernels/gemm-kernel';
import { buildCnn } from '$workers/lib/vision/cnn';
import { predictProbabilities } from '$workers/lib/vision/evaluate';
import { BENCH_CNN } from '$workers/lib/vision/presets';
import { makeCnnStep } from '$workers/lib/vision/train-step';
import { warmTrialPath } from '$workers/lib/trial-warmup';
import { registerRecipeKernel } from './recipe-kernel';
import type { BenchRequest, BenchResult, LatencyStats } from './types';

interface DataHeader {
	n: number;
	width: number;
	classes: number;
	xOffset: number;
	yOffset: number;
}

const scope = self as unknown as { onmessage: ((event: MessageEvent<BenchRequest>) => void) | null; postMessage(message: BenchResult): void };

async function loadData(): Promise<{ header: DataHeader; x: Float32Array; y: Int32Array }> {
	const header = (await (await fetch('/data.json')).json()) as DataHeader;
	const bytes = await (await fetch('/data.bin')).arrayBuffer();
	return {
		header,
		x: new Float32Array(bytes, header.xOffset, header.n * header.width),
		y: new Int32Array(bytes, header.yOffset, header.n)
	};
}

function percentile(sorted: number[], q: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function bench(request: BenchRequest, base: BenchResult): Promise<BenchResult> {
	const { header, x, y } = await loadData();
	const width = header.width;
	const samples = Math.min(request.samples, header.n);

	// A row may ask for more XNNPACK threads than tfjs's default; it must be set before wasm starts.
	// tfjs-backend-wasm's C++ caps the count at hardwareConcurrency / 2 (it assumes two hyperthreads
	// a core), so this worker reports twice the asked count to lift the cap; nothing else reads it.
	if (request.threads && request.backend === 'wasm') {
		Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * request.threads, configurable: true });
		(await import('@tensorflow/tfjs-backend-wasm')).setThreadsCount(request.threads);
	}
	const initStart = performance.now();
	// activateBackend falls back to another backend when the chosen one fails; that must not
	// be timed under the wrong name, so the fallback is reported as a skip.
	const { backend, note } = await activateBackend(request.backend, loaders);
	const initMs = performance.now() - initStart;
	if (backend !== request.backend || tf.getBackend() !== request.backend) {
		return { ...base, ok: false, reason: note || `tfjs is on ${tf.getBackend()}` };
	}
	let wasm: BenchResult['wasm'];
	if (request.gemm === 'off') setGemmMode('off');
	if (request.gemmThreads === 2) {
		// The helper thread starts asynchronously; products use it only once it runs.
		if (!startGemmThread(tf.backend())) return { ...base, ok: false, reason: 'no GEMM thread (memory not shared: not cross-origin isolated?)' };
		for (let i = 0; i < 300 && gemmOn(tf.backend())?.threads !== 2; i++) await new Promise((r) => setTimeout(r, 10));
		if (gemmOn(tf.backend())?.threads !== 2) return { ...base, ok: false, reason: 'the GEMM thread did not start within 3 s' };
	}
	if (backend === 'wasm') {
		const module = await import('@tensorflow/tfjs-backend-wasm');
		wasm = {
			simd: (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean,
			threads: (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean,
			threadsCount: module.getThreadsCount(),
			adamSimd: adamUsesSimd(tf.backend()),
			gemm: ((g) => (g ? `${g.fma ? 'fma' : 'simd'}${g.threads > 1 ? ` on ${g.threads} threads` : ''}` : 'none'))(gemmOn(tf.backend()))
		};
	}

	const cnn = request.model === 'cnn';
	let kernels: string[] | undefined;
	if (cnn && backend === 'wasm') {
		// As the studio's ml worker does before any image training (workers/ml/vision.ts).
		if (request.kernels === 'recipe') registerRecipeKernel();
		else registerWasmKernels();
		kernels = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'KilnReluPoolGrad'].filter((k) => tf.getKernel(k, 'wasm'));
	}
	let warmUpMs: number | undefined;
	if (!cnn && request.studioWarmUp) {
		const warmStart = performance.now();
		await warmTrialPath();
		warmUpMs = performance.now() - warmStart;
	}
	// The CNN is the studio's own (buildCnn + makeCnnStep, as fitCnn trains it); the MLP is the tabular path.
	const model = cnn ? buildCnn({ ...BENCH_CNN, classes: header.classes }, 1) : buildModel({ kind: 'mlp', inputSize: width, outputSize: header.classes, hiddenLayers: [128], seed: 1 });
	const optimizer = tf.train.adam(request.learningRate);
	const cnnStep = cnn ? makeCnnStep(model, optimizer, header.classes) : null;
	const mlpStep = cnn ? null : makeTrainStep(model, optimizer, 'classification', header.classes, 0);
	const step = (xb: Float32Array, yb: Int32Array): tf.Scalar => (cnnStep ? cnnStep(xb, yb) : mlpStep!(xb, Array.from(yb)));
	const batches = Math.ceil(samples / request.batchSize);
	// Kiln's loop (train-loop.ts) reads the batch losses back LOSS_READ_EVERY at a time, each
	// read waiting for the device; the CNN's fitCnn reads every batch.
	const readEvery = cnn ? 1 : LOSS_READ_EVERY;
	const runEpoch = async (first: number, last: number): Promise<number> => {
		let sum = 0;
		let pending: tf.Scalar[] = [];
		for (let b = first; b < last; b++) {
			const start = b * request.batchSize;
			const end = Math.min(start + request.batchSize, samples);
			pending.push(step(x.subarray(start * width, end * width), y.subarray(start, end)));
			if (pending.length >= readEvery || b === last - 1) {
				for (const value of await Promise.all(pending.map((t) => t.data()))) sum += value[0];
				tf.dispose(pending);
				pending = [];
			}
		}
		return sum;
	};
	try {
		for (let left = request.warmupBatches ?? 1; left > 0; left -= batches) await runEpoch(0, Math.min(batches, left));
		let lastEpochLoss = 0;
		const trainStart = performance.now();
		const epochMs: number[] = [];
		const epochAt: number[] = [];
		for (let epoch = 0; epoch < request.epochs; epoch++) {
			const epochStart = performance.now();
			epochAt.push(performance.timeOrigin + epochStart);
			// The marks bound each epoch in a Chrome trace (bench/epoch-profile.mjs).
			performance.mark(`kiln-bench:epoch-${epoch}`);
			if (request.logEpochs) {
				// V8's --trace-opt goes to a buffered stdout with no times; a function named after the epoch,
				// run hot enough to be compiled, puts a line of its own in that output where the epoch starts.
				const marker = new Function('x', `return function kilnEpochMarker${epoch}(a){ return a * x + 1; }`)(epoch) as (a: number) => number;
				let acc = 0;
				for (let i = 0; i < 200000; i++) acc = marker(acc) % 7;
				console.info(`kiln-bench epoch ${epoch} (${acc})`);
			}
			lastEpochLoss = (await runEpoch(0, batches)) / batches;
			epochMs.push(performance.now() - epochStart);
			performance.mark(`kiln-bench:epoch-${epoch}-end`);
		}
		const trainMs = performance.now() - trainStart;
		epochAt.push(performance.timeOrigin + performance.now());

		const row = x.slice(0, width);
		// An image is predicted as the studio's Predict does it: uint8 pixels in, /255, the model,
		// read back, softmax (workers/ml/vision.ts → predictProbabilities).
		const pixels = Uint8Array.from(row, (v) => Math.round(v * 255));
		const predictOnce = cnn
			? async (): Promise<void> => void (await predictProbabilities(model, pixels, 1))
			: async (): Promise<void> => {
					const out = tf.tidy(() => model.predict(tf.tensor2d(row, [1, width])) as tf.Tensor);
					await out.data();
					out.dispose();
				};
		for (let i = 0; i < 20; i++) await predictOnce();
		const times: number[] = [];
		for (let i = 0; i < request.latencyRuns; i++) {
			const t0 = performance.now();
			await predictOnce();
			times.push(performance.now() - t0);
		}
		const sorted = [...times].sort((a, b) => a - b);
		const latency: LatencyStats = {
			runs: times.length,
			medianMs: percentile(sorted, 0.5),
			p10Ms: percentile(sorted, 0.1),
			p90Ms: percentile(sorted, 0.9),
			meanMs: times.reduce((a, b) => a + b, 0) / times.length
		};
		return {
			...base,
			ok: true,
			initMs,
			epochs: request.epochs,
			samples,
			batches,
			trainMs,
			epochMs,
			epochAt,
			warmUpMs,
			samplesPerSecond: (request.epochs * samples) / (trainMs / 1000),
			lastEpochLoss,
			latency,
			wasm,
			kernels
		};
	} finally {
		model.dispose();
		optimizer.dispose();
	}
}

scope.onmessage = (event) => {
	const request = event.data;
	const base: BenchResult = {
		backend: request.backend,
		model: request.model ?? 'mlp',
		ok: false,
		crossOriginIsolated: self.crossOriginIsolated === true,
		hardwareConcurrency: navigator.hardwareConcurrency ?? 1
	};
	bench(request, base).then(scope.postMessage.bind(scope), (error: unknown) =>
		scope.postMessage({ ...base, reason: error instanceof Error ? error.message : String(error) })
	);
};
