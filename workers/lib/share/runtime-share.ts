import type { Preprocessing } from '$workers/protocol';
import type { PortableTrees, SharePipeline, TreesDescription } from './kinds';
import { kilnRuntime, type KilnRuntime } from './runtime';
import { kilnPipelineRuntime, type KilnPipelineRuntime } from './runtime-pipeline';
import { kilnTreesRuntime, type KilnTreesRuntime } from './runtime-trees';
import { kilnLazyRuntime, type KilnLazyRuntime } from './runtime-lazy';
import { kilnPipelineMore } from './runtime-pipeline-more';
import { kilnTextRuntime } from './runtime-text';
import { studioDeriveEngine } from './derive-engine';
import type { LazyDescription, PortableLazy } from './kinds-lazy';
import type { ModelDescription, PortableModel, RowPrediction, SharePayload } from './types';

export type ShareModel = ModelDescription | TreesDescription | LazyDescription;
export type PortableShareModel = PortableModel | PortableTrees | PortableLazy;

/**
 * Any share-link model kind behind one predictor: the dense runtime, the tree runtime, and the
 * pipeline encoder when the link carries a Prepare pipeline. A factory over the other runtimes
 * with no outside references, embedded in the standalone page like them.
 */
export function kilnShareRuntime(base: KilnRuntime, trees: KilnTreesRuntime, pipe: KilnPipelineRuntime, lazy?: KilnLazyRuntime) {
	const isTrees = (m: object) => (m as { kind?: unknown }).kind === 'trees';
	// kNN and naive Bayes (their runtime is passed only where such links are read).
	const isLazy = (m: object) => ['knn', 'gaussian-nb', 'categorical-nb'].includes(String((m as { kind?: unknown }).kind));
	const needLazy = (): KilnLazyRuntime => {
		if (!lazy) throw new Error('This page cannot run k-nearest-neighbour or naive Bayes models.');
		return lazy;
	};

	function modelFromPortable(p: PortableShareModel): ShareModel {
		if (isLazy(p)) return needLazy().lazyFromPortable(p as PortableLazy, base.decodeBase64);
		return isTrees(p) ? trees.treesFromPortable(p as PortableTrees, base.decodeBase64) : base.modelFromPortable(p as PortableModel);
	}

	/** `prep` gives the target (and, without a pipeline, the encoding); the pipeline, when present, encodes. */
	function createPredictor(model: ShareModel, prep: Preprocessing, pipeline?: SharePipeline) {
		const encode = pipeline ? pipe.createPipelineEncoder(pipeline) : base.rowEncoder(prep);
		const layers = isTrees(model) || isLazy(model) ? null : base.createPredictor(model as ModelDescription, prep);
		const scoreTrees = isLazy(model) ? needLazy().createLazyScorer(model as LazyDescription) : isTrees(model) ? trees.createTreesScorer(model as TreesDescription) : null;
		if (layers && !pipeline) return layers;
		const target = prep.target;
		return {
			predict(row: Record<string, string>): RowPrediction {
				const { x, warnings } = encode(row);
				if (layers) {
					// The dense path reads inputs the pipeline made instead of its own encoding.
					const out = layers.outputs(x, 1);
					if (target.task === 'regression') return { label: String(out[0] * target.std + target.mean), value: out[0] * target.std + target.mean, warnings };
					const last = (model as ModelDescription).layers[(model as ModelDescription).layers.length - 1];
					const soft = last && last.type !== 'batchnorm' && last.activation === 'softmax';
					let probs = Array.from(out);
					if (!soft) {
						const max = Math.max(...probs);
						const e = probs.map((v) => Math.exp(v - max));
						const sum = e.reduce((a, b) => a + b, 0);
						probs = e.map((v) => v / sum);
					}
					return { label: target.classes[probs.indexOf(Math.max(...probs))], probabilities: probs, warnings };
				}
				const out = scoreTrees!(x);
				if (target.task === 'regression') return { label: String(out[0] * target.std + target.mean), value: out[0] * target.std + target.mean, warnings };
				let best = 0;
				for (let c = 1; c < out.length; c++) if (out[c] > out[best]) best = c;
				return { label: target.classes[best], probabilities: out, warnings };
			}
		};
	}

	return { ...base, modelFromPortable, createPredictor };
}

export type KilnShareRuntime = ReturnType<typeof kilnShareRuntime>;
export type SharePredictor = ReturnType<KilnShareRuntime['createPredictor']>;

/** The library's instance: the same code the standalone page embeds. */
export const shareRuntime: KilnShareRuntime = kilnShareRuntime(kilnRuntime(), kilnTreesRuntime(), kilnPipelineRuntime(kilnPipelineMore(kilnTextRuntime(), studioDeriveEngine())), kilnLazyRuntime());

/** A predictor for a decoded payload, whatever its model kind and encoding. */
export function createSharePredictor(payload: Pick<SharePayload, 'model' | 'preprocessing' | 'pipeline'>): SharePredictor {
	return shareRuntime.createPredictor(payload.model, payload.preprocessing, payload.pipeline);
}
