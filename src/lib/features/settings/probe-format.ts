import type { BackendProbe } from '$workers/protocol';

/** "wasm 41.0 steps/s · webgl 3.2 steps/s · webgpu could not run (…)": a probe's figures, fastest first. */
export function probeFigures(probe: BackendProbe): string {
	const ran = probe.timings.filter((t) => t.stepsPerSecond !== null).sort((a, b) => b.stepsPerSecond! - a.stepsPerSecond!);
	const failed = probe.timings.filter((t) => t.stepsPerSecond === null);
	return [...ran.map((t) => `${t.backend} ${t.stepsPerSecond!.toFixed(1)} steps/s`), ...failed.map((t) => `${t.backend} could not run (${t.problem ?? 'no step finished'})`)].join(' · ');
}
