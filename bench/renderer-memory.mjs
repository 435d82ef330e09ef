// Renderer memory for the browser benches: a page and its dedicated workers live in one renderer
// process, so the sum of the RSS of Chromium's renderer processes (read from /proc) is what the page
// and its workers hold. Linux only.
import { readdirSync, readFileSync } from 'node:fs';

/** Pids of every process below `root` (Chromium's zygote forks the renderers). */
function descendants(root) {
	const parent = new Map();
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
			parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
		} catch {
			// gone meanwhile
		}
	}
	const out = [];
	const queue = [root];
	while (queue.length) {
		const pid = queue.pop();
		for (const [child, ppid] of parent) if (ppid === pid) (out.push(child), queue.push(child));
	}
	return out;
}

export function rendererRssMb(browserPid) {
	let kb = 0;
	for (const pid of descendants(browserPid)) {
		try {
			if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
			kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
		} catch {
			// gone meanwhile
		}
	}
	return kb / 1024;
}
