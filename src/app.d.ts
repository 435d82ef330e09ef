// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {}
	/** Set by vite.config.ts `define`. */
	const __KILN_VERSION__: string;
	const __KILN_ML_LIBRARIES__: Record<string, string>;
}
export {};
