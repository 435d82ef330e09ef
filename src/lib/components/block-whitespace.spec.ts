import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../..', import.meta.url));

function svelteFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? svelteFiles(join(dir, e.name)) : e.name.endsWith('.svelte') ? [join(dir, e.name)] : []));
}

describe('Svelte block whitespace', () => {
	// Svelte drops the whitespace at the start of a block's content: "trained.{#if x} Measure" renders
	// "trained.Measure" (seen on the Ship page) and a badge after "{#if x} " sticks to the text before it.
	it('no {#if}, {:else} or {#each} block starts its content with a bare space (write {" "} for one)', () => {
		const found = svelteFiles(SRC).flatMap((file) =>
			readFileSync(file, 'utf8')
				.split('\n')
				.flatMap((line, i) => (/\{(#if|:else if|:else|#each|#key)[^}]*\} +[^ ]/.test(line) ? [`${relative(SRC, file)}:${i + 1}`] : []))
		);
		expect(found).toEqual([]);
	});

	// The same at the end: "{#if s}{text} · {/if}updated" rendered "…rows ·updated" on the project list.
	it('no block ends its text content with a bare space (write {" "} for one)', () => {
		const found = svelteFiles(SRC).flatMap((file) =>
			readFileSync(file, 'utf8')
				.split('\n')
				.flatMap((line, i) => (/[^ >] +\{(\/if|:else|\/each|\/key)/.test(line) ? [`${relative(SRC, file)}:${i + 1}`] : []))
		);
		expect(found).toEqual([]);
	});
});
