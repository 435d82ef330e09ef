import { describe, expect, it } from 'vitest';
import { parseWeightsInfo, pickWeightsFiles } from './weights-files';

describe('weights files from train.py', () => {
	it('tells the description from the weights by extension, whatever the browser renamed', () => {
		const picked = pickWeightsFiles([{ name: 'kiln-weights (1).bin' }, { name: 'kiln-weights.json' }]);
		expect(picked.info.name).toBe('kiln-weights.json');
		expect(picked.bin.name).toBe('kiln-weights (1).bin');
	});

	it('names the missing or foreign file', () => {
		expect(() => pickWeightsFiles([{ name: 'kiln-weights.json' }])).toThrow(/kiln-weights\.bin is missing/);
		expect(() => pickWeightsFiles([{ name: 'kiln-weights.bin' }])).toThrow(/kiln-weights\.json is missing/);
		expect(() => pickWeightsFiles([{ name: 'kiln-weights.json' }, { name: 'kiln-weights.bin' }, { name: 'train.py' }])).toThrow(/“train\.py” is not one of the files/);
		expect(() => pickWeightsFiles([{ name: 'a.json' }, { name: 'b.json' }, { name: 'c.bin' }])).toThrow(/not 2 and 1/);
	});

	it('parses the description and refuses what is not JSON, naming the file', () => {
		expect(parseWeightsInfo('{"format":"kiln-torch-weights"}')).toEqual({ format: 'kiln-torch-weights' });
		expect(() => parseWeightsInfo('PK\u0003\u0004', 'weights.json')).toThrow(/weights\.json is not JSON/);
	});
});
