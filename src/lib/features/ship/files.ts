/** Small helpers for what the Ship section hands out: file names, sizes, link addresses. */

/** A title → a file name any system accepts: lower-case words joined by '-', never empty. */
export function safeFileName(title: string, fallback = 'kiln-model'): string {
	const name = title
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 60)
		.replace(/-+$/, '');
	return name || fallback;
}

/** Bytes as a person reads them (1024-based, as the share library measures links). */
export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} bytes`;
	if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
	return `${(bytes / 1024 ** 2).toFixed(bytes < 10 * 1024 ** 2 ? 1 : 0)} MB`;
}

/**
 * Everything of a share link before its code: the share page's address (resolved against the
 * page, since paths may be relative on sub-path hosts) and '#'. The code goes in the fragment,
 * which browsers never send to a server.
 */
export function shareLinkPrefix(pageHref: string, sharePath: string): string {
	return `${new URL(`${sharePath.replace(/\/$/, '')}/`, pageHref).href}#`;
}

/** The code from a share page address: everything after '#', or nothing. */
export function codeFromHash(hash: string): string {
	return hash.startsWith('#') ? hash.slice(1) : hash;
}
