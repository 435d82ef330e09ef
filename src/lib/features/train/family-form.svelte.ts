import type { ClassicSpec, Task, TrainConfig } from '$workers/protocol';
import { choiceOf, isClassicChoice, parseParams, suitability, valuesFrom, type ClassicChoice, type DataFacts, type FormFamily } from './family-fields';

/**
 * The family chooser's state: the chosen family and, per classic family, the settings as typed
 * (kept while the person switches back and forth), with a message per wrong field.
 */
export class FamilyForm {
	family = $state<FormFamily>('mlp');
	values = $state<Record<string, Record<string, string>>>({});
	problems = $state<Record<string, string>>({});
	/** Set once the person tried to train, so fields re-check as they are fixed. */
	tried = $state(false);

	/** `taskOf`: read on every use, since the Data page can switch the task while this form lives. */
	constructor(
		private readonly taskOf: () => Task,
		last?: TrainConfig
	) {
		if (last?.classic) this.family = choiceOf(last.classic.family);
		else if (last) this.family = last.model;
		if (isClassicChoice(this.family)) this.values[this.family] = valuesFrom(this.family, taskOf(), last?.classic);
	}

	private get task(): Task {
		return this.taskOf();
	}

	get classic(): boolean {
		return isClassicChoice(this.family);
	}

	/** The typed values of the current classic family (created when it was chosen). */
	current(): Record<string, string> {
		return this.values[this.family as ClassicChoice] ?? {};
	}

	choose(family: FormFamily): void {
		this.family = family;
		if (isClassicChoice(family)) this.values[family] ??= valuesFrom(family, this.task);
		this.problems = this.tried && isClassicChoice(family) ? parseParams(family, this.task, this.values[family]).problems : {};
	}

	/** The spec to train, or null with problems set (a network family gives null and no problems). */
	parse(): ClassicSpec | null {
		if (!isClassicChoice(this.family)) return null;
		const { spec, problems } = parseParams(this.family, this.task, this.current());
		this.problems = problems;
		return spec;
	}

	/** Whether the family can serve this data (null when the settings do not parse yet or it is a network). */
	fit(facts: DataFacts | null): { block: string | null; note: string | null } | null {
		if (!isClassicChoice(this.family) || !facts) return null;
		const { spec } = parseParams(this.family, this.task, this.current());
		return spec ? suitability(spec, facts) : null;
	}
}
