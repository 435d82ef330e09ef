import { getSetting, setSetting } from '$lib/db';
import { loaders } from '../backend-loaders';
import { tryBackend } from '../lib/backend';
import { autoBackend, describeProbe, type ProbeRunner } from '../lib/backend-probe';
import { registerWasmKernels } from '../lib/kernels/register';
import type { BackendName, BackendProbe, JobEvent } from '../protocol';
import { chosenBackend, ensureBackend, markActive } from './backend';

/** A model a training job is about to fit, as the `auto` probe times it. */
export interface ProbeSubject {
	signature: string;
	model: string;
	build(): Promise<ProbeRunner> | ProbeRunner;
}

type Gpu = { requestAdapter(): Promise<unknown> };

/**
 * The backends this browser offers, found cheaply (no tfjs backend started): the probe's cache
 * is keyed by it, so enabling WebGPU or losing WebGL means a fresh probe.
 */
export async function offeredBackends(): Promise<BackendName[]> {
	const offered: BackendName[] = [];
	const gpu = (navigator as Navigator & { gpu?: Gpu }).gpu;
	try {
		if (gpu && (await gpu.requestAdapter())) offered.push('webgpu');
	} catch {
		// No adapter: not offered.
	}
	try {
		if (typeof OffscreenCanvas !== 'undefined' && new OffscreenCanvas(1, 1).getContext('webgl2')) offered.push('webgl');
	} catch {
		// No WebGL2 context: not offered.
	}
	if (typeof WebAssembly === 'object') offered.push('wasm');
	offered.push('cpu');
	return offered;
}

async function activate(name: BackendName): Promise<string | null> {
	const problem = await tryBackend(name, loaders);
	// wasm lacks some conv gradients; Kiln's kernels (and fused conv blocks) fill them in.
	if (!problem && name === 'wasm') registerWasmKernels();
	return problem;
}

/**
 * The backend a training job runs on. A backend chosen in settings is used as before; `auto`
 * times real steps of `subject` on each offered backend (once per shape and offer, then from
 * settings storage), picks the fastest and logs the figures.
 */
export async function trainingBackend(subject: ProbeSubject | null, onEvent: (event: JobEvent) => void): Promise<{ backend: BackendName; note: string; probe?: BackendProbe }> {
	if (chosenBackend() !== 'auto' || !subject) return ensureBackend();
	const available = await offeredBackends();
	const cache = await getSetting('backendProbes').catch(() => undefined);
	const onBackend = (name: BackendName, i: number, total: number) => onEvent({ type: 'stage', fraction: 0, label: `Timing a few training steps on ${name} to pick the fastest backend (${i + 1} of ${total})…` });
	const { probe, fresh } = await autoBackend({ ...subject, available, cache, activate, onBackend, save: (next) => setSetting('backendProbes', next) });
	markActive(probe.picked);
	onEvent({ type: 'log', message: describeProbe(probe, fresh) });
	return { backend: probe.picked, note: '', probe };
}
