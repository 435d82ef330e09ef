import { LR_SCHEDULES, resolveMlpOptions, type LrSchedule, type MlpActivation, type MlpOptions } from '$shared/mlp-options';
import type { TrialParams } from '$workers/protocol';

/** Search parameters that land in config.mlp (the MLP's options), by their names in a search space. */
export const MLP_OPTION_PARAMS = ['activation', 'dropout', 'optimizer', 'schedule', 'warmupEpochs', 'weightDecay', 'momentum', 'batchNorm'] as const;

/**
 * A trial's MLP options: the base config's, overridden by the searched ones. "nesterov" is SGD
 * with Nesterov momentum (one choice, as PyTorch users name it); warm-up is capped below the
 * trial's epochs, as the trainer refuses a warm-up as long as the run.
 */
export function mlpOptionsFrom(params: TrialParams, base: MlpOptions | undefined, epochs: number): MlpOptions {
	const mlp: MlpOptions = { ...base };
	if (params.activation !== undefined) mlp.activation = String(params.activation) as MlpActivation;
	if (params.dropout !== undefined) mlp.dropout = [Number(params.dropout)];
	if (params.optimizer !== undefined) {
		const name = String(params.optimizer);
		mlp.optimizer = name === 'nesterov' ? 'sgd' : (name as MlpOptions['optimizer']);
		if (mlp.optimizer === 'sgd') mlp.nesterov = name === 'nesterov';
	}
	if (params.schedule !== undefined && (LR_SCHEDULES as readonly string[]).includes(String(params.schedule))) mlp.schedule = String(params.schedule) as LrSchedule;
	if (params.warmupEpochs !== undefined) mlp.warmupEpochs = Math.max(0, Math.min(Math.round(Number(params.warmupEpochs)), epochs - 1));
	if (params.weightDecay !== undefined) mlp.weightDecay = Number(params.weightDecay);
	if (params.momentum !== undefined) mlp.momentum = Number(params.momentum);
	if (params.batchNorm !== undefined) mlp.batchNorm = params.batchNorm === true || params.batchNorm === 'true';
	// Nesterov needs momentum: a searched momentum of 0 would be refused by the trainer.
	if (mlp.optimizer === 'sgd' && mlp.nesterov && !(resolveMlpOptions(mlp).momentum > 0)) mlp.momentum = 0.9;
	return mlp;
}

/** The base config's value of an MLP option parameter, as the editor shows it (undefined: not one). */
export function mlpOptionValue(base: MlpOptions | undefined, name: string): string | undefined {
	const o = resolveMlpOptions(base);
	if (name === 'activation') return o.activation;
	if (name === 'optimizer') return o.optimizer === 'sgd' && o.nesterov ? 'nesterov' : o.optimizer;
	if (name === 'schedule') return o.schedule;
	if (name === 'warmupEpochs') return String(o.warmupEpochs);
	if (name === 'weightDecay') return String(o.weightDecay);
	if (name === 'momentum') return String(o.momentum);
	if (name === 'batchNorm') return String(o.batchNorm);
	return undefined;
}
