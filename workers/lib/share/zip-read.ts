import { inflateCapped } from './inflate';

/** Where one stored file lives in the archive, from the central directory. */
export interface ZipEntry {
	name: string;
	method: number;
	crc: number;
	compressedSize: number;
	size: number;
	localOffset: number;
}

export interface ZipLimits {
	maxEntries: number;
	/** Sum of the declared uncompressed sizes. */
	maxTotalBytes: number;
	maxEntryBytes: number;
}

let crcTable: Int32Array | undefined;
export function crc32(bytes: Uint8Array): number {
	if (!crcTable) {
		crcTable = new Int32Array(256);
		for (let n = 0; n < 256; n++) {
			let c = n;
			for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
			crcTable[n] = c;
		}
	}
	let crc = -1;
	for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 255] ^ (crc >>> 8);
	return (crc ^ -1) >>> 0;
}

/**
 * A zip's table of contents, read from the central directory and checked against the limits
 * before anything is inflated. `fail` turns each problem into the caller's error.
 */
export function readZipDirectory(zip: Uint8Array, limits: ZipLimits, fail: (problem: string) => never): Map<string, ZipEntry> {
	const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
	let end = -1;
	// The end record is the last 22 bytes plus a comment of up to 65,535 bytes.
	for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65_535); i--) {
		if (view.getUint32(i, true) === 0x06054b50) {
			end = i;
			break;
		}
	}
	if (end < 0) fail('it is not a zip archive (no end-of-archive record)');
	const count = view.getUint16(end + 10, true);
	const dirSize = view.getUint32(end + 12, true);
	const dirOffset = view.getUint32(end + 16, true);
	if (count === 0xffff || dirOffset === 0xffffffff) fail('it is a ZIP64 archive, which Kiln bundles never are');
	if (count > limits.maxEntries) fail(`it holds ${count} files; a Kiln bundle has at most ${limits.maxEntries}`);
	if (dirOffset + dirSize > end) fail('its table of contents points outside the file (the file is cut off or damaged)');
	const entries = new Map<string, ZipEntry>();
	let total = 0;
	let p = dirOffset;
	for (let i = 0; i < count; i++) {
		if (p + 46 > end || view.getUint32(p, true) !== 0x02014b50) fail('its table of contents is damaged');
		const flags = view.getUint16(p + 8, true);
		const method = view.getUint16(p + 10, true);
		const crc = view.getUint32(p + 16, true);
		const compressedSize = view.getUint32(p + 20, true);
		const size = view.getUint32(p + 24, true);
		const nameLength = view.getUint16(p + 28, true);
		const skip = nameLength + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
		const localOffset = view.getUint32(p + 42, true);
		if (p + 46 + skip > end) fail('its table of contents is damaged');
		const nameBytes = zip.subarray(p + 46, p + 46 + nameLength);
		p += 46 + skip;
		// Kiln writes plain ASCII paths; anything else is not one of its files.
		if (nameBytes.some((b) => b < 0x20 || b > 0x7e)) continue;
		const name = String.fromCharCode(...nameBytes);
		if (flags & 1) fail(`"${name}" is encrypted`);
		if (method !== 0 && method !== 8) fail(`"${name}" uses compression method ${method}; Kiln bundles use deflate`);
		if (size > limits.maxEntryBytes) fail(`"${name}" would expand to ${size} bytes; the limit is ${limits.maxEntryBytes}`);
		total += size;
		if (total > limits.maxTotalBytes) fail(`its files would expand to more than ${limits.maxTotalBytes} bytes`);
		if (entries.has(name)) fail(`it lists "${name}" twice`);
		entries.set(name, { name, method, crc, compressedSize, size, localOffset });
	}
	return entries;
}

/** One file's bytes, never more than its declared size, checked against its CRC. */
export function readZipEntry(zip: Uint8Array, entry: ZipEntry, fail: (problem: string) => never): Uint8Array {
	const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
	const at = entry.localOffset;
	if (at + 30 > zip.length || view.getUint32(at, true) !== 0x04034b50) fail(`"${entry.name}" is damaged (no file header where the table of contents points)`);
	const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
	if (start + entry.compressedSize > zip.length) fail(`"${entry.name}" is cut off`);
	const raw = zip.subarray(start, start + entry.compressedSize);
	let bytes: Uint8Array;
	if (entry.method === 0) bytes = raw.slice();
	else {
		// Input pieces of about size/1032 bytes (deflate's largest ratio) let a bomb overshoot the
		// declared size by at most about that size before it is stopped.
		const inflated = inflateCapped(raw, entry.size, Math.max(1024, Math.min(1 << 20, Math.ceil(entry.size / 1032))));
		if (!inflated.ok) fail(inflated.reason === 'too-large' ? `"${entry.name}" expands beyond its declared size` : `"${entry.name}" is damaged (invalid compressed data)`);
		bytes = (inflated as { bytes: Uint8Array }).bytes;
	}
	if (bytes.length !== entry.size) fail(`"${entry.name}" has ${bytes.length} bytes, but the archive declares ${entry.size}`);
	if (crc32(bytes) !== entry.crc) fail(`"${entry.name}" is damaged (checksum mismatch)`);
	return bytes;
}
