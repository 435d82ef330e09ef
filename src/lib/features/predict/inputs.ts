import type { ModelRecord } from '$lib/db';
import type { InputColumn } from '$workers/protocol';
import { fromLegacyPreprocessing } from '$workers/lib/data/pipeline';

/** One field of the prediction form: the column, and what helps filling it. */
export interface FormField extends InputColumn {
	/** Known categories (from training) to pick from. */
	categories?: string[];
	/** A typical value to show as a placeholder. */
	typical?: string;
}

/** The prediction form's fields, from the model's inputs and what its encoding learned about them. */
export function formFields(model: ModelRecord): FormField[] {
	const fitted = model.pipeline ?? (model.preprocessing ? fromLegacyPreprocessing(model.preprocessing) : null);
	if (!fitted) return [];
	const inputs: InputColumn[] = model.inputs ?? fitted.inputs.map((c) => ({ name: c.name, kind: c.kind }));
	return inputs.map((input) => {
		const encoding = fitted.features.find((f) => f.step.column === input.name);
		const params = (encoding?.params ?? {}) as { categories?: unknown; fill?: unknown };
		const categories = input.kind === 'categorical' && Array.isArray(params.categories) ? (params.categories as string[]) : undefined;
		const typical = input.kind === 'numeric' && input.semantic !== 'datetime' && typeof params.fill === 'number' ? params.fill.toPrecision(4) : input.semantic === 'datetime' ? 'YYYY-MM-DD' : undefined;
		return { ...input, ...(categories ? { categories } : {}), ...(typical ? { typical } : {}) };
	});
}
