// Seeded synthetic "digits-like" data, written once so PyTorch and the browser read the same bytes.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../scripts/rng.mjs';

const SIDE = 28;
const VERSION = 1;

function distanceToSegment(px, py, [ax, ay], [bx, by]) {
	const dx = bx - ax;
	const dy = by - ay;
	const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy || 1)));
	return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/** Each class is 2–4 soft strokes (a bent polyline each), like a pen-drawn glyph. */
function prototype(rng) {
	const img = new Float32Array(SIDE * SIDE);
	const point = () => [5 + rng() * 18, 5 + rng() * 18];
	const strokes = Array.from({ length: 2 + Math.floor(rng() * 3) }, () => [point(), point(), point()]);
	for (let py = 0; py < SIDE; py++)
		for (let px = 0; px < SIDE; px++) {
			let d = Infinity;
			for (const [a, b, c] of strokes) d = Math.min(d, distanceToSegment(px, py, a, b), distanceToSegment(px, py, b, c));
			img[py * SIDE + px] = Math.max(0, Math.min(1, 1 - (d - 0.7) / 1.3));
		}
	return img;
}

function generate(n, classes, seed) {
	const rng = mulberry32(seed);
	const protos = Array.from({ length: classes }, () => prototype(rng));
	const x = new Float32Array(n * SIDE * SIDE);
	const y = new Int32Array(n);
	for (let i = 0; i < n; i++) {
		const label = Math.floor(rng() * classes);
		const proto = protos[label];
		const dx = Math.floor(rng() * 5) - 2;
		const dy = Math.floor(rng() * 5) - 2;
		const ink = 0.7 + 0.3 * rng();
		y[i] = label;
		const out = x.subarray(i * SIDE * SIDE, (i + 1) * SIDE * SIDE);
		for (let py = 0; py < SIDE; py++)
			for (let px = 0; px < SIDE; px++) {
				const sx = px - dx;
				const sy = py - dy;
				const v = sx >= 0 && sx < SIDE && sy >= 0 && sy < SIDE ? proto[sy * SIDE + sx] * ink : 0;
				out[py * SIDE + px] = Math.min(1, v + 0.15 * rng() * rng());
			}
	}
	return { x, y };
}

/** Returns the header; regenerates data.bin only when it is missing or made with other settings. */
export function ensureData(outDir, { n = 8192, classes = 10, seed = 20251125 } = {}) {
	mkdirSync(outDir, { recursive: true });
	const headerPath = join(outDir, 'data.json');
	const binPath = join(outDir, 'data.bin');
	const width = SIDE * SIDE;
	if (existsSync(headerPath) && existsSync(binPath)) {
		const old = JSON.parse(readFileSync(headerPath, 'utf8'));
		if (old.version === VERSION && old.n === n && old.seed === seed && old.classes === classes && statSync(binPath).size === old.bytes) return { ...old, reused: true };
	}
	const { x, y } = generate(n, classes, seed);
	const bytes = Buffer.concat([Buffer.from(x.buffer), Buffer.from(y.buffer)]);
	writeFileSync(binPath, bytes);
	const header = {
		version: VERSION,
		file: 'data.bin',
		n,
		width,
		height: SIDE,
		classes,
		seed,
		// Little-endian (x86/ARM hosts): float32 x row-major, then int32 labels.
		xOffset: 0,
		xDtype: 'float32',
		yOffset: x.byteLength,
		yDtype: 'int32',
		bytes: bytes.length,
		sha256: createHash('sha256').update(bytes).digest('hex')
	};
	writeFileSync(headerPath, JSON.stringify(header, null, 2));
	return { ...header, reused: false };
}
