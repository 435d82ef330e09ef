import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { fieldsFrom, parseFields } from './fields';

describe('parseFields', () => {
	const good = fieldsFrom(DEFAULT_CONFIG);

	it('round-trips the defaults', () => {
		// The default split is the stratified holdout runs always had, now written out.
		expect(parseFields(good)).toEqual({ settings: { ...DEFAULT_CONFIG, split: { kind: 'holdout', stratify: true }, balance: 'none' }, problems: {} });
	});

	it('reads the split and balance choices, and names a bad fold count or a missing column', () => {
		expect(parseFields({ ...good, split: 'stratified-kfold', folds: '5', balance: 'smote' }).settings).toMatchObject({ split: { kind: 'kfold', folds: 5, stratify: true }, balance: 'smote' });
		expect(parseFields({ ...good, split: 'group-kfold', folds: '4', splitColumn: 'patient' }).settings?.split).toEqual({ kind: 'group-kfold', folds: 4, column: 'patient' });
		expect(parseFields({ ...good, split: 'kfold', folds: '1' }).problems.split).toMatch(/from 2 to 20/);
		expect(parseFields({ ...good, split: 'time', splitColumn: '' }).problems.split).toMatch(/orders the rows in time/);
		expect(fieldsFrom({ ...DEFAULT_CONFIG, split: { kind: 'time', column: 'day' } })).toMatchObject({ split: 'time', splitColumn: 'day' });
	});

	it('names every bad field instead of starting a run', () => {
		const { settings, problems } = parseFields({ ...good, hiddenLayers: 'abc', epochs: '', learningRate: '0x1A', seed: 'abc', batchSize: '0', patience: '3.5' });
		expect(settings).toBeNull();
		expect(Object.keys(problems).sort()).toEqual(['batchSize', 'epochs', 'hiddenLayers', 'learningRate', 'patience', 'seed']);
		expect(problems.epochs).toBe('This field is empty.');
		expect(problems.learningRate).toMatch(/Type a number/);
		expect(problems.hiddenLayers).toMatch(/Whole numbers from 1 to 4096/);
	});

	it('refuses a zero-width hidden layer and a holdout outside 5–50 %', () => {
		const { problems } = parseFields({ ...good, hiddenLayers: '0', holdoutPercent: '80' });
		expect(problems.hiddenLayers).toBeDefined();
		expect(problems.holdoutFraction).toMatch(/5 % and 50 %/);
	});

	it('ignores hidden sizes for the linear model', () => {
		expect(parseFields({ ...good, model: 'linear', hiddenLayers: 'abc' }).settings?.hiddenLayers).toEqual([]);
	});
});
