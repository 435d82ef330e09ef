import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm', '.csv': 'text/csv', '.svg': 'image/svg+xml', '.md': 'text/markdown' };

export interface StaticHost {
	server: Server;
	/** The address of the build's root, e.g. http://127.0.0.1:1234/some/sub/path */
	base: string;
	/** Stop serving and drop open connections, as a network that went away. */
	stop(): void;
}

/** A plain static host: no COOP/COEP headers, the build copied under `prefix`, dir → index.html. */
export function staticHost(prefix: string): Promise<StaticHost> {
	const root = join(process.cwd(), 'build');
	const server = createServer(async (req, res) => {
		const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
		if (!path.startsWith(`${prefix}/`)) return void res.writeHead(404).end();
		let file = normalize(join(root, path.slice(prefix.length)));
		if (!file.startsWith(root)) return void res.writeHead(404).end();
		if (file.endsWith('/')) file = join(file, 'index.html');
		try {
			const body = await readFile(file);
			res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
		} catch {
			res.writeHead(404).end();
		}
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () =>
			resolve({
				server,
				base: `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`,
				stop: () => {
					server.close();
					server.closeAllConnections();
				}
			})
		)
	);
}
