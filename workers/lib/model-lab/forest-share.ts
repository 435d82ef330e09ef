import type { Table, TrainConfig } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { withConfigDefaults } from '$shared/train-config';
import type { Pipeline } from '$workers/lib/data/pipeline';
import { combineForest, fitForestTrees, forestTreeSeeds, type ForestPart } from '$workers/lib/models';
import type { ForestModel, ForestParams, Targets } from '$workers/lib/models/types';
import { prepareParts, prepareTraining, type TrainingData } from '$workers/lib/train-data';
import { validateConfig } from '$workers/lib/train';
import { classicBalanceConfig } from './config';
import type { ForestShare } from './forest-shares';

export { treeShares, shareBuffers, type ForestShare } from './forest-shares';

export interface ForestShareOptions {
	pipeline?: Pipeline;
	signal?: AbortSignal;
	/** fraction of this share's trees (over all fits) done */
	onProgress?: (fraction: number) => void;
}

type Fit = Pick<TrainingData, 'train' | 'classes' | 'width'>;

/** The forest settings of a run config, or a message naming what is wrong. */
export function forestParams(config: TrainConfig): ForestParams {
	const spec = config.classic;
	if (spec?.family !== 'forest') throw new KilnError('TrainingError', 'Only a random forest run can be split into shares of trees.');
	return spec.params;
}

/** The config trainClassic fits with (defaults filled in, class weights as it applies them). */
export function forestRunConfig(table: Table, rawConfig: TrainConfig, pipeline?: Pipeline): TrainConfig {
	const asked = withConfigDefaults(rawConfig);
	forestParams(asked);
	validateConfig(table, asked, pipeline);
	return classicBalanceConfig(asked, 'forest').config;
}

/** Fits trees [from, to) of the run's forest for each of its fits. */
export function fitForestShare(table: Table, rawConfig: TrainConfig, from: number, to: number, options: ForestShareOptions = {}): ForestShare {
	const config = forestRunConfig(table, rawConfig, options.pipeline);
	const params = forestParams(config);
	if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from < to && to <= params.nTrees)) {
		throw new KilnError('TrainingError', `Trees ${from} to ${to} are not a share of a ${params.nTrees}-tree forest.`);
	}
	const seeds = forestTreeSeeds(config.seed, params.nTrees).subarray(from, to);
	const data = prepareTraining(table, config, undefined, options.pipeline);
	const phases = data.folds.length + 1;
	const fits: ForestPart[] = [];
	const fitOne = ({ train, classes, width }: Fit) => {
		const done = fits.length;
		fits.push(
			fitForestTrees(params, train.x, train.rows.length, width, train.y, config.task, classes, seeds, {
				seed: config.seed,
				signal: options.signal,
				onProgress: (fraction) => options.onProgress?.(Math.min(1, (done + fraction) / phases)),
				...(train.weights ? { sampleWeight: train.weights } : {})
			})
		);
	};
	// The same parts, in the same order, as trainClassic fits: each fold, then the final model.
	for (const rows of data.folds) fitOne(prepareParts(table, config, { ...rows, holdout: new Int32Array(0) }, undefined, options.pipeline));
	fitOne(data);
	return { from, to, fits };
}

/**
 * Joins the shares' trees for fit number `fit` into one forest, after checking that the shares
 * cover every tree once and were fitted on the same rows.
 */
export function joinForestShares(shares: ForestShare[], fit: number, nTrees: number, rows: number, y: Targets): ForestModel {
	const ordered = [...shares].sort((a, b) => a.from - b.from);
	let next = 0;
	for (const s of ordered) {
		if (s.from !== next || s.fits.length <= fit) throw new KilnError('TrainingError', `The forest's shares do not fit together (trees ${s.from} to ${s.to}, expected a share from tree ${next} with a part for fit ${fit + 1}).`);
		const part = s.fits[fit];
		if (part.rows !== rows || part.trees.length !== s.to - s.from) throw new KilnError('TrainingError', `A share of the forest was fitted on ${part.rows} rows with ${part.trees.length} trees, but this fit has ${rows} rows and expects ${s.to - s.from} trees.`);
		next = s.to;
	}
	if (next !== nTrees) throw new KilnError('TrainingError', `The forest's shares hold ${next} trees, but the run asks for ${nTrees}.`);
	return combineForest(ordered.map((s) => s.fits[fit]), y);
}
