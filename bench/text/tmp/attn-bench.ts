import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from '$workers/lib/kernels/register';
import { ATTENTION, ATTENTION_GRAD, registerAttentionKernels } from '$workers/lib/kernels/attention';

export default async function () {
	tf.env().set('PROD', true);
	setWasmPaths('/work/main/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
	registerWasmKernels();
	await tf.setBackend(process.env.B ?? 'wasm');
	registerAttentionKernels();
	const [b, t, d, heads] = [32, 64, 64, 4];
	const q = tf.randomNormal([b, t, d]), k = tf.randomNormal([b, t, d]), v = tf.randomNormal([b, t, d]);
	const mask = tf.ones([b, t]);
	const dw = tf.zeros([b, heads, t, t]);
	const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
	for (let r = 0; r < 3; r++) {
		let c0 = cpu();
		let outs: tf.Tensor[] = [];
		for (let i = 0; i < 10; i++) { tf.dispose(outs); outs = tf.engine().runKernel(ATTENTION, { q, k, v, mask }, { heads } as any) as tf.Tensor[]; }
		const fwd = (cpu() - c0) / 10;
		c0 = cpu();
		for (let i = 0; i < 10; i++) tf.dispose(tf.engine().runKernel(ATTENTION_GRAD, { dy: q, dw, q, k, v, weights: outs[1] }, { heads } as any) as tf.Tensor[]);
		const bwd = (cpu() - c0) / 10;
		console.log(`fwd ${fwd.toFixed(1)} ms CPU, bwd ${bwd.toFixed(1)} ms CPU`);
		tf.dispose(outs);
	}
}
