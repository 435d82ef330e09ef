import { parseInteger, parseNumber } from '$shared/number';
import { mlpProblems, resolveMlpOptions, type LrSchedule, type MlpActivation, type MlpOptimizer, type MlpOptions, type MlpProblems } from '$shared/mlp-options';

/** The MLP options as typed: text for numbers, so a bad entry is named rather than lost. */
export interface MlpFieldValues {
	activation: MlpActivation;
	dropout: string;
	batchNorm: boolean;
	optimizer: MlpOptimizer;
	momentum: string;
	nesterov: boolean;
	weightDecay: string;
	schedule: LrSchedule;
	stepEvery: string;
	stepFactor: string;
	warmupEpochs: string;
}

export function mlpFieldsFrom(options: MlpOptions | undefined): MlpFieldValues {
	const o = resolveMlpOptions(options);
	return {
		activation: o.activation,
		dropout: o.dropout.join(', '),
		batchNorm: o.batchNorm,
		optimizer: o.optimizer,
		momentum: String(o.momentum),
		nesterov: o.nesterov,
		weightDecay: String(o.weightDecay),
		schedule: o.schedule,
		stepEvery: String(o.stepEvery),
		stepFactor: String(o.stepFactor),
		warmupEpochs: String(o.warmupEpochs)
	};
}

/** Parse the MLP fields: the options when all is well, else a message per field that is not. */
export function parseMlpFields(values: MlpFieldValues, hiddenLayers: number[], epochs: number): { options: MlpOptions | null; problems: MlpProblems } {
	const problems: MlpProblems = {};
	const num = (text: string, field: keyof MlpOptions, whole = false): number => {
		const value = whole ? parseInteger(text) : parseNumber(text);
		if (value === undefined) problems[field] = text.trim() === '' ? 'This field is empty.' : whole ? 'Type a whole number.' : 'Type a number, e.g. 0.5.';
		return value ?? NaN;
	};
	const rates = values.dropout.split(/[\s,;]+/).filter(Boolean).map((t) => parseNumber(t) ?? NaN);
	if (rates.some((r) => Number.isNaN(r))) problems.dropout = 'Type rates as numbers, e.g. "0.2" or "0.3, 0.1".';
	const options: MlpOptions = {
		activation: values.activation,
		dropout: rates.length > 0 ? rates : [0],
		batchNorm: values.batchNorm,
		optimizer: values.optimizer,
		momentum: num(values.momentum, 'momentum'),
		nesterov: values.nesterov,
		weightDecay: num(values.weightDecay, 'weightDecay'),
		schedule: values.schedule,
		stepEvery: num(values.stepEvery, 'stepEvery', true),
		stepFactor: num(values.stepFactor, 'stepFactor'),
		warmupEpochs: num(values.warmupEpochs, 'warmupEpochs', true)
	};
	// Epochs may be mistyped elsewhere in the form; its own field reports that.
	for (const [field, message] of Object.entries(mlpProblems(options, hiddenLayers, Number.isFinite(epochs) ? epochs : Infinity)) as [keyof MlpOptions, string][]) problems[field] ??= message;
	return { options: Object.keys(problems).length === 0 ? options : null, problems };
}

/** What each option does and a sane range, shown beside it. */
export const MLP_HELP: Record<keyof MlpOptions, string> = {
	activation: 'The non-linearity of the hidden layers. ReLU is the usual start; tanh and sigmoid saturate, ELU and GELU are smooth below 0.',
	dropout: 'Share of hidden units switched off at random in each training step, 0–0.9: one rate, or one per hidden layer. 0.1–0.3 fights overfitting.',
	batchNorm: 'Normalise each hidden layer over the batch before its activation; often allows a higher learning rate. Folded into the weights when the model is saved.',
	optimizer: 'Adam suits most runs; AdamW adds weight decay outside the loss; SGD with momentum can generalise better with a schedule.',
	momentum: 'Share of the last step SGD keeps; 0.9 is usual, 0 is plain SGD.',
	nesterov: 'Look-ahead momentum: often a little faster to converge.',
	weightDecay: 'AdamW shrinks kernels by rate × decay each step; 0.01–0.1. Set the L2 penalty to 0 to use decay alone.',
	schedule: 'How the learning rate changes: constant, step decay, or a cosine curve down to 0 at the last epoch.',
	stepEvery: 'Step decay: epochs between rate cuts.',
	stepFactor: 'Step decay: the rate is multiplied by this at each cut, e.g. 0.5.',
	warmupEpochs: 'Epochs over which the rate climbs linearly from near 0; helps SGD and batch-norm start stably. 0 turns it off.'
};
