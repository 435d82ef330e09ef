// Static server for the bench build. COOP/COEP are what make the page cross-origin isolated,
// which WASM threads (SharedArrayBuffer) and fine-grained performance.now() need.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const MIME = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.json': 'application/json',
	'.wasm': 'application/wasm',
	'.css': 'text/css',
	'.bin': 'application/octet-stream',
	'.map': 'application/json'
};

/** Serves `root`, plus /data.* from `dataDir`; resolves to { url, close } on a free loopback port. */
export function serve({ root, dataDir, isolate }) {
	const server = createServer((req, res) => {
		const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
		const base = path.startsWith('/data.') ? dataDir : root;
		const file = normalize(join(base, path === '/' ? 'index.html' : path));
		if (!file.startsWith(normalize(base) + sep) || !existsSync(file) || !statSync(file).isFile()) {
			res.writeHead(404).end('not found');
			return;
		}
		const headers = { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream', 'Content-Length': statSync(file).size, 'Cache-Control': 'no-store' };
		if (isolate) {
			headers['Cross-Origin-Opener-Policy'] = 'same-origin';
			headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
			headers['Cross-Origin-Resource-Policy'] = 'same-origin';
		}
		res.writeHead(200, headers);
		createReadStream(file).pipe(res);
	});
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			resolve({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((done) => server.close(() => done())) });
		});
	});
}
