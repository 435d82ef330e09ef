import type { Preprocessing, Table, TrainConfig } from '../protocol';
import type { FittedPipeline } from './data/pipeline';
import { prepareTraining, type TrainingData } from './train-data';
import type { PrepareData } from './train';

/**
 * Settings that shape only the model and its training, never the split or the encoding. Every
 * other config field is part of the key, so a setting added later re-encodes rather than reuses.
 */
const MODEL_ONLY = new Set<keyof TrainConfig>(['model', 'hiddenLayers', 'learningRate', 'l2', 'epochs', 'batchSize', 'patience', 'mlp']);

function keyOf(config: TrainConfig): string {
	const shaping = Object.entries(config).filter(([name]) => !MODEL_ONLY.has(name as keyof TrainConfig));
	return JSON.stringify(shaping.sort(([a], [b]) => (a < b ? -1 : 1)));
}

interface Entry {
	table: Table;
	key: string;
	/** The encoding fitted on this split, as JSON: a promotion's checkpoint carries the same one. */
	encoding: string;
	data: TrainingData;
}

/**
 * The encoded parts of a search's trials, kept across jobs in one worker. Trials of a search
 * differ in their model settings only, so each re-split and re-encoded the same table the same
 * way (prepareTraining: 10–20 ms a job on digits, and a fresh copy of every part's rows). The
 * parts are read, never written, by training. Bounded: the last `size` splits (a search has one).
 *
 * A resumed job (an ASHA promotion) must train on the encoding stored with its checkpoint; it
 * reuses an entry only when that encoding is the entry's own, else it encodes afresh.
 */
export function createTrialDataCache(size = 1): PrepareData & { readonly entries: number } {
	const entries: Entry[] = [];
	const prepare = (table: Table, config: TrainConfig, resume: Preprocessing | FittedPipeline | undefined): TrainingData => {
		const key = keyOf(config);
		const wanted = resume ? JSON.stringify(resume) : null;
		const at = entries.findIndex((e) => e.table === table && e.key === key && (wanted === null || wanted === e.encoding));
		if (at >= 0) {
			const [hit] = entries.splice(at, 1);
			entries.push(hit);
			return hit.data;
		}
		const data = prepareTraining(table, config, resume);
		entries.push({ table, key, encoding: JSON.stringify(data.prep ?? data.fitted), data });
		if (entries.length > size) entries.shift();
		return data;
	};
	return Object.defineProperty(prepare, 'entries', { get: () => entries.length }) as PrepareData & { readonly entries: number };
}
