import * as tf from '@tensorflow/tfjs-core';
// Training needs the gradient kernels; tfjs-core's package entry alone does not register them.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { validateTextModelConfig, type TextModelConfig } from './config';
import { crossEntropy, dense, dropout, gruStep, layerNorm, lstmStep, maskedMaxNonNegative, maskedMean, selfAttention, type AttentionWeights } from './layers';
import { ParamStore } from './params';

export interface ForwardOptions {
	training: boolean;
	/** Seed of this step's dropout masks (training only). */
	dropoutSeed?: number;
	/** Also return each transformer layer's attention weights [B, heads, T, T]. */
	attention?: boolean;
}

export interface ForwardResult {
	/** [B, classes] for 'sequence', [B, T, classes] for 'token'. */
	logits: tf.Tensor;
	attention: tf.Tensor4D[];
}

/**
 * A text classifier or tagger of any family in one class: the embedding, the family's encoder
 * and a linear head. Inputs are [B, T] int32 token ids with 0 as padding.
 */
export class TextModel {
	readonly params: ParamStore;

	constructor(
		readonly config: TextModelConfig,
		/** Pretrained [vocabularySize × embeddingDim] rows (e.g. from embeddingMatrix); random when absent. */
		embeddingInit?: Float32Array
	) {
		validateTextModelConfig(config);
		const c = config;
		const p = (this.params = new ParamStore(c.seed));
		const d = c.embeddingDim;
		p.add('embedding', [c.vocabularySize, d], embeddingInit ? { type: 'values', values: embeddingInit } : { type: 'normal', std: 0.1 }, c.trainEmbedding);
		const linear = (name: string, inDim: number, outDim: number) => {
			p.add(`${name}/w`, [inDim, outDim], { type: 'glorot', fanIn: inDim, fanOut: outDim });
			p.add(`${name}/b`, [outDim], { type: 'zeros' });
		};
		let width = d;
		switch (c.family) {
			case 'embedding-bag':
				if (c.hidden > 0) linear('hidden', d, (width = c.hidden));
				break;
			case 'cnn':
				c.kernelSizes.forEach((k) => {
					p.add(`conv${k}/w`, [k, d, c.filters], { type: 'glorot', fanIn: k * d, fanOut: c.filters });
					p.add(`conv${k}/b`, [c.filters], { type: 'zeros' });
				});
				width = c.filters * c.kernelSizes.length;
				break;
			case 'rnn': {
				const gates = c.cell === 'lstm' ? 4 : 3;
				for (const dir of c.bidirectional ? ['fw', 'bw'] : ['fw']) {
					p.add(`${dir}/w`, [d, gates * c.units], { type: 'glorot', fanIn: d, fanOut: gates * c.units });
					p.add(`${dir}/u`, [c.units, gates * c.units], { type: 'glorot', fanIn: c.units, fanOut: gates * c.units });
					// LSTM forget-gate bias 1 (Jozefowicz et al., 2015), as Keras' unit_forget_bias.
					const bias = new Float32Array(gates * c.units);
					if (c.cell === 'lstm') bias.fill(1, c.units, 2 * c.units);
					p.add(`${dir}/b`, [gates * c.units], { type: 'values', values: bias });
					if (c.cell === 'gru') p.add(`${dir}/bu`, [gates * c.units], { type: 'zeros' });
				}
				width = c.units * (c.bidirectional ? 2 : 1);
				break;
			}
			case 'transformer':
				p.add('position', [c.maxLength, d], { type: 'normal', std: 0.02 });
				for (let l = 0; l < c.layers; l++) {
					p.add(`layer${l}/ln1/gamma`, [d], { type: 'ones' });
					p.add(`layer${l}/ln1/beta`, [d], { type: 'zeros' });
					for (const m of ['q', 'k', 'v', 'o']) linear(`layer${l}/attn/${m}`, d, d);
					p.add(`layer${l}/ln2/gamma`, [d], { type: 'ones' });
					p.add(`layer${l}/ln2/beta`, [d], { type: 'zeros' });
					linear(`layer${l}/ff1`, d, c.ffDim);
					linear(`layer${l}/ff2`, c.ffDim, d);
				}
				p.add('final/gamma', [d], { type: 'ones' });
				p.add('final/beta', [d], { type: 'zeros' });
				break;
		}
		linear('head', width, c.classes);
	}

	/** Token ids [B, T] → embeddings [B, T, d]. */
	embed(ids: tf.Tensor2D): tf.Tensor3D {
		return tf.gather(this.params.get('embedding'), ids) as tf.Tensor3D;
	}

	forward(ids: tf.Tensor2D, options: ForwardOptions): ForwardResult {
		const mask = tf.cast(tf.greater(ids, 0), 'float32') as tf.Tensor2D;
		return this.fromEmbeddings(this.embed(ids), mask, options);
	}

	/** The rest of the network from embeddings, so attributions can take gradients with respect to them. */
	fromEmbeddings(embedded: tf.Tensor3D, mask: tf.Tensor2D, options: ForwardOptions): ForwardResult {
		const c = this.config;
		const p = (n: string) => this.params.get(n);
		let seed = options.dropoutSeed ?? 0;
		const drop = (x: tf.Tensor) => dropout(x, c.dropout, options.training ? seed++ : null);
		const attention: tf.Tensor4D[] = [];
		const sequence = c.task === 'sequence';
		let x = embedded;
		let features: tf.Tensor;
		switch (c.family) {
			case 'embedding-bag': {
				const pooled = sequence ? maskedMean(drop(x) as tf.Tensor3D, mask) : drop(x);
				features = c.hidden > 0 ? drop(tf.relu(dense(pooled, p('hidden/w'), p('hidden/b')))) : pooled;
				break;
			}
			case 'cnn': {
				// Zero padded positions: a window reaching past the text must not see padding's embedding.
				x = drop(tf.mul(x, tf.expandDims(mask, 2))) as tf.Tensor3D;
				const maps = c.kernelSizes.map((k) => {
					const y = tf.relu(tf.add(tf.conv1d(x, p(`conv${k}/w`) as tf.Tensor3D, 1, 'same'), p(`conv${k}/b`))) as tf.Tensor3D;
					return sequence ? maskedMaxNonNegative(y, mask) : y;
				});
				features = drop(maps.length === 1 ? maps[0] : tf.concat(maps, -1));
				break;
			}
			case 'rnn':
				features = drop(this.#recurrent(drop(x) as tf.Tensor3D, mask));
				break;
			case 'transformer': {
				const [, t] = x.shape;
				x = tf.add(x, tf.slice(p('position'), [0, 0], [t, c.embeddingDim])) as tf.Tensor3D;
				x = drop(x) as tf.Tensor3D;
				const keyBias = tf.reshape(tf.mul(tf.sub(mask, 1), 1e9), [mask.shape[0], 1, 1, t]) as tf.Tensor4D;
				for (let l = 0; l < c.layers; l++) {
					const w = (m: string, part: 'w' | 'b') => p(`layer${l}/attn/${m}/${part}`);
					const weights: AttentionWeights = { wq: w('q', 'w'), bq: w('q', 'b'), wk: w('k', 'w'), bk: w('k', 'b'), wv: w('v', 'w'), bv: w('v', 'b'), wo: w('o', 'w'), bo: w('o', 'b') };
					const a = selfAttention(layerNorm(x, p(`layer${l}/ln1/gamma`), p(`layer${l}/ln1/beta`)) as tf.Tensor3D, weights, c.heads, keyBias, mask);
					if (options.attention) attention.push(a.weights);
					x = tf.add(x, drop(a.out)) as tf.Tensor3D;
					const h = tf.relu(dense(layerNorm(x, p(`layer${l}/ln2/gamma`), p(`layer${l}/ln2/beta`)), p(`layer${l}/ff1/w`), p(`layer${l}/ff1/b`)));
					x = tf.add(x, drop(dense(h, p(`layer${l}/ff2/w`), p(`layer${l}/ff2/b`)))) as tf.Tensor3D;
				}
				x = layerNorm(x, p('final/gamma'), p('final/beta')) as tf.Tensor3D;
				features = sequence ? maskedMean(x, mask) : x;
				break;
			}
		}
		return { logits: dense(features, p('head/w'), p('head/b')), attention };
	}

	/** LSTM/GRU over time; padded steps keep the state, so the last state is the last real token's. */
	#recurrent(x: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor {
		const c = this.config as Extract<TextModelConfig, { family: 'rnn' }>;
		const [b, t] = x.shape;
		const run = (dir: 'fw' | 'bw'): { last: tf.Tensor2D; steps: tf.Tensor2D[] } => {
			const xw = dense(x, this.params.get(`${dir}/w`), this.params.get(`${dir}/b`)) as tf.Tensor3D;
			const u = this.params.get(`${dir}/u`) as tf.Tensor2D;
			const xs = tf.unstack(xw, 1) as tf.Tensor2D[];
			const ms = tf.unstack(tf.expandDims(mask, 2), 1) as tf.Tensor2D[];
			let h = tf.zeros([b, c.units]) as tf.Tensor2D;
			let cell = tf.zeros([b, c.units]) as tf.Tensor2D;
			const steps: tf.Tensor2D[] = new Array(t);
			for (let s = 0; s < t; s++) {
				const i = dir === 'fw' ? s : t - 1 - s;
				const m = ms[i];
				const keep = tf.sub(1, m);
				if (c.cell === 'lstm') {
					const [hn, cn] = lstmStep(xs[i], h, cell, u);
					h = tf.add(tf.mul(m, hn), tf.mul(keep, h)) as tf.Tensor2D;
					cell = tf.add(tf.mul(m, cn), tf.mul(keep, cell)) as tf.Tensor2D;
				} else {
					const hn = gruStep(xs[i], h, u, this.params.get(`${dir}/bu`));
					h = tf.add(tf.mul(m, hn), tf.mul(keep, h)) as tf.Tensor2D;
				}
				steps[i] = h;
			}
			return { last: h, steps };
		};
		const fw = run('fw');
		const bw = c.bidirectional ? run('bw') : null;
		if (c.task === 'sequence') return bw ? tf.concat([fw.last, bw.last], 1) : fw.last;
		const perStep = tf.stack(fw.steps, 1);
		return bw ? tf.concat([perStep, tf.stack(bw.steps, 1)], 2) : perStep;
	}

	/** Mean cross-entropy; labels are [B] (sequence) or [B, T] with −1 where there is no token. */
	loss(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
		const k = this.config.classes;
		return crossEntropy(tf.reshape(logits, [-1, k]) as tf.Tensor2D, tf.cast(tf.reshape(labels, [-1]), 'int32') as tf.Tensor1D, k);
	}

	dispose(): void {
		this.params.dispose();
	}
}
