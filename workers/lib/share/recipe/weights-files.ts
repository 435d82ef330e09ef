import { KilnError } from '$shared/errors';

/** The two files the recipe's train.py writes; the names are what a person sees in its README. */
export const WEIGHTS_INFO = 'kiln-weights.json';
export const WEIGHTS_BIN = 'kiln-weights.bin';

/**
 * The picked files → which is the description and which the weights, by extension (a browser may
 * rename a second download "kiln-weights (1).json"). Anything else is refused by name.
 */
export function pickWeightsFiles<F extends { name: string }>(files: readonly F[]): { info: F; bin: F } {
	const json = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
	const bin = files.filter((f) => f.name.toLowerCase().endsWith('.bin'));
	const other = files.find((f) => !json.includes(f) && !bin.includes(f));
	if (other) throw new KilnError('ImportError', `“${other.name}” is not one of the files train.py writes: pick ${WEIGHTS_INFO} and ${WEIGHTS_BIN} together.`);
	if (json.length !== 1 || bin.length !== 1) {
		const missing = json.length === 0 ? WEIGHTS_INFO : bin.length === 0 ? WEIGHTS_BIN : null;
		throw new KilnError('ImportError', missing ? `${missing} is missing: pick ${WEIGHTS_INFO} and ${WEIGHTS_BIN} together (both are in the folder train.py ran in).` : `Pick one ${WEIGHTS_INFO} and one ${WEIGHTS_BIN}, not ${json.length} and ${bin.length}.`);
	}
	return { info: json[0], bin: bin[0] };
}

/** kiln-weights.json's text → its value; importTorchWeights then checks every field against the recipe. */
export function parseWeightsInfo(text: string, name = WEIGHTS_INFO): unknown {
	if (text.length > 1_000_000) throw new KilnError('ImportError', `${name} is ${text.length.toLocaleString('en-US')} characters; the file train.py writes is a few hundred. Pick ${WEIGHTS_INFO}.`);
	try {
		return JSON.parse(text) as unknown;
	} catch {
		throw new KilnError('ImportError', `${name} is not JSON: pick the ${WEIGHTS_INFO} that train.py wrote.`);
	}
}
