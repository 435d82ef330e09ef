/** vite.config.ts `deriveScript()`: the bundled expression engine as script text (an IIFE defining `kilnDeriveBundle`). */
declare module 'virtual:kiln-derive-script' {
	const script: string;
	export default script;
}
