/**
 * SHA-256, synchronous: crypto.subtle would do, but it is async and missing outside secure
 * contexts (Kiln served over plain http on a LAN), and the page generator needs the hash of its
 * inline script for the Content-Security-Policy. One implementation serves Kiln: the pipeline's.
 */
export { sha256 } from '$workers/lib/data/pipeline/hash';
