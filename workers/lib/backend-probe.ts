import { KilnError, errorMessage } from '$shared/errors';
import type { BackendName, BackendProbe, BackendTiming } from '../protocol';

/**
 * `auto` picks a backend per model shape by timing real training steps of that model on each
 * backend the browser offers. The probe must stay short (it runs before a job the person is
 * waiting for): one warm-up step (shader compilation, kernel set-up) and then at most
 * `maxSteps` timed steps or `budgetMs` of them, whichever ends first.
 */
export interface ProbeLimits {
	maxSteps: number;
	budgetMs: number;
}

export const PROBE_LIMITS: ProbeLimits = { maxSteps: 5, budgetMs: 1000 };

/** Probes kept in settings; the oldest go first. */
export const MAX_CACHED_PROBES = 24;

/** A model on one backend: a training step (resolves once its loss is read back) and a clean-up. */
export interface ProbeRunner {
	step(): Promise<void>;
	dispose(): void;
}

export interface ProbeOptions {
	/** Backends the browser offers, in any order. */
	available: readonly BackendName[];
	/** Make `name` the active backend; a message when it does not work. */
	activate(name: BackendName): Promise<string | null>;
	/** Build the model (and a batch) on the active backend. */
	build(): Promise<ProbeRunner> | ProbeRunner;
	limits?: ProbeLimits;
	/** Cancellation between steps (a job's signal). */
	signal?: AbortSignal;
	now?: () => number;
	/** Told before each backend is timed (progress for the person waiting). */
	onBackend?(name: BackendName, index: number, total: number): void;
}

function checkAborted(signal?: AbortSignal): void {
	if (signal?.aborted) throw new KilnError('AbortError', 'Cancelled.');
}

/** Time `step` after one untimed warm-up: stops at `maxSteps` steps or once `budgetMs` has passed (at least one timed step). */
export async function timeSteps(step: () => Promise<void>, limits: ProbeLimits = PROBE_LIMITS, options: { signal?: AbortSignal; now?: () => number } = {}): Promise<{ steps: number; ms: number }> {
	const now = options.now ?? (() => performance.now());
	await step();
	let steps = 0;
	const start = now();
	let ms = 0;
	while (steps < limits.maxSteps && (steps === 0 || ms < limits.budgetMs)) {
		checkAborted(options.signal);
		await step();
		steps++;
		ms = now() - start;
	}
	return { steps, ms };
}

/**
 * The fastest measured backend. The CPU backend counts only when nothing else ran: it is the
 * reference implementation, never meant for training when anything else works.
 */
export function pickFastest(timings: readonly BackendTiming[]): BackendName | null {
	const ran = timings.filter((t): t is BackendTiming & { stepsPerSecond: number } => t.stepsPerSecond !== null && t.stepsPerSecond > 0);
	const pool = ran.some((t) => t.backend !== 'cpu') ? ran.filter((t) => t.backend !== 'cpu') : ran;
	let best: (typeof pool)[number] | null = null;
	for (const t of pool) if (!best || t.stepsPerSecond > best.stepsPerSecond) best = t;
	return best?.backend ?? null;
}

/** Time the model's steps on one backend (activating it first). */
export async function timeBackend(name: BackendName, options: ProbeOptions): Promise<BackendTiming> {
	const problem = await options.activate(name);
	if (problem) return { backend: name, stepsPerSecond: null, steps: 0, ms: 0, problem };
	let runner: ProbeRunner | null = null;
	try {
		runner = await options.build();
		const { steps, ms } = await timeSteps(runner.step, options.limits, options);
		return { backend: name, stepsPerSecond: ms > 0 ? (steps * 1000) / ms : null, steps, ms };
	} catch (error) {
		if (error instanceof KilnError && error.name === 'AbortError') throw error;
		return { backend: name, stepsPerSecond: null, steps: 0, ms: 0, problem: errorMessage(error) || 'a training step failed' };
	} finally {
		runner?.dispose();
	}
}

/**
 * Time the model on every offered backend but the CPU (the CPU too when none of the others
 * ran) and pick the fastest. Leaves the last probed backend active: the caller activates the pick.
 */
export async function probeBackends(options: ProbeOptions): Promise<{ timings: BackendTiming[]; picked: BackendName }> {
	const timings: BackendTiming[] = [];
	const names = options.available.filter((b) => b !== 'cpu');
	for (const [i, name] of names.entries()) {
		checkAborted(options.signal);
		options.onBackend?.(name, i, names.length);
		timings.push(await timeBackend(name, options));
	}
	if (pickFastest(timings) === null) {
		options.onBackend?.('cpu', names.length, names.length + 1);
		timings.push(await timeBackend('cpu', options));
	}
	const picked = pickFastest(timings);
	if (!picked) throw new KilnError('BackendUnavailableError', `No compute backend could train this model. ${timings.map((t) => `${t.backend}: ${t.problem ?? 'no step finished'}`).join('; ')}.`);
	return { timings, picked };
}

/** Order-independent JSON, so the same shape always hashes the same. */
function stableJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
		return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

/**
 * What decides a backend's speed: the network's layers and sizes and the batch size (not its
 * seed, rate or epochs). `kind` keeps different families apart ("cnn", "mlp").
 */
export function shapeSignature(kind: string, shape: unknown, batchSize: number): string {
	const text = `${kind}|${batchSize}|${stableJson(shape)}`;
	// FNV-1a, 2 × 32 bits: a short key; a collision only costs a wrong cached pick, never wrong results.
	let a = 0x811c9dc5;
	let b = 0x01000193 ^ text.length;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		a = Math.imul(a ^ c, 0x01000193);
		b = Math.imul(b ^ c, 0x01000193) + (a >>> 7);
	}
	return `${kind}-${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}`;
}

function sameSet(a: readonly BackendName[], b: readonly BackendName[]): boolean {
	return a.length === b.length && a.every((x) => b.includes(x));
}

/** A cached probe still holds when it is for this shape and the browser offers the same backends. */
export function findProbe(cache: readonly BackendProbe[] | undefined, signature: string, available: readonly BackendName[]): BackendProbe | undefined {
	return cache?.find((p) => p.signature === signature && sameSet(p.available, available));
}

/** The cache with `probe` in front, replacing any earlier probe of its shape, at most `max` kept. */
export function rememberProbe(cache: readonly BackendProbe[] | undefined, probe: BackendProbe, max = MAX_CACHED_PROBES): BackendProbe[] {
	return [probe, ...(cache ?? []).filter((p) => p.signature !== probe.signature)].slice(0, max);
}

/** One line for the run's log: what auto picked and the figures behind it. */
export function describeProbe(probe: BackendProbe, fresh: boolean): string {
	const figures = probe.timings.map((t) => (t.stepsPerSecond === null ? `${t.backend} could not run (${t.problem ?? 'no step finished'})` : `${t.backend} ${t.stepsPerSecond.toFixed(1)} steps/s`)).join(', ');
	const when = fresh ? 'measured now' : `measured ${new Date(probe.measuredAt).toISOString().slice(0, 16).replace('T', ' ')} UTC on this device`;
	return `Backend auto picked ${probe.picked} for ${probe.model}: ${figures} (${when}).`;
}

export interface AutoBackendOptions extends ProbeOptions {
	signature: string;
	model: string;
	/** Probes cached in settings storage. */
	cache: readonly BackendProbe[] | undefined;
	/** Store the new cache after a fresh probe. */
	save(cache: BackendProbe[]): Promise<void>;
	now?: () => number;
	/** The clock for `measuredAt`. */
	date?: () => number;
}

/**
 * `auto` for one training job: the cached pick for this shape and offer of backends when its
 * backend still starts, else a fresh probe (stored). Leaves the picked backend active.
 */
export async function autoBackend(options: AutoBackendOptions): Promise<{ probe: BackendProbe; fresh: boolean }> {
	const cached = findProbe(options.cache, options.signature, options.available);
	if (cached && !(await options.activate(cached.picked))) return { probe: cached, fresh: false };
	const { timings, picked } = await probeBackends(options);
	const problem = await options.activate(picked);
	if (problem) throw new KilnError('BackendUnavailableError', `${picked} was the fastest in the probe but then failed to start (${problem}).`);
	const probe: BackendProbe = { signature: options.signature, model: options.model, available: [...options.available], timings, picked, measuredAt: (options.date ?? Date.now)() };
	// A failed cache write only costs a probe next time; the job goes on.
	await options.save(rememberProbe(options.cache, probe)).catch(() => {});
	return { probe, fresh: true };
}
