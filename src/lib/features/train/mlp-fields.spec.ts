import { describe, expect, it } from 'vitest';
import { DEFAULT_MLP_OPTIONS } from '$shared/mlp-options';
import { mlpFieldsFrom, parseMlpFields } from './mlp-fields';

describe('MLP option fields', () => {
	it('round-trips the defaults (today\'s relu + Adam + constant rate)', () => {
		expect(parseMlpFields(mlpFieldsFrom(undefined), [32, 16], 60)).toEqual({ options: DEFAULT_MLP_OPTIONS, problems: {} });
	});

	it('parses per-layer dropout and the chosen optimiser and schedule', () => {
		const values = { ...mlpFieldsFrom(undefined), dropout: '0.3, 0.1', optimizer: 'sgd' as const, nesterov: true, schedule: 'step' as const, stepEvery: '5', warmupEpochs: '2' };
		const { options, problems } = parseMlpFields(values, [32, 16], 60);
		expect(problems).toEqual({});
		expect(options).toMatchObject({ dropout: [0.3, 0.1], optimizer: 'sgd', nesterov: true, schedule: 'step', stepEvery: 5, warmupEpochs: 2 });
	});

	it('names each bad field', () => {
		const values = { ...mlpFieldsFrom(undefined), dropout: 'lots', momentum: '', stepFactor: '2', warmupEpochs: '1.5' };
		const { options, problems } = parseMlpFields(values, [8], 10);
		expect(options).toBeNull();
		expect(problems).toEqual({ dropout: expect.stringMatching(/numbers/), momentum: 'This field is empty.', stepFactor: expect.stringMatching(/above 0/), warmupEpochs: 'Type a whole number.' });
		expect(parseMlpFields({ ...mlpFieldsFrom(undefined), dropout: '0.1, 0.2' }, [8], 10).problems.dropout).toMatch(/exactly 1/);
		expect(parseMlpFields({ ...mlpFieldsFrom(undefined), warmupEpochs: '10' }, [8], 10).problems.warmupEpochs).toMatch(/Fewer/);
	});
});
