#!/usr/bin/env bash
# `npm run bench`: checks the native (PyTorch) and browser (Debian chromium) prerequisites,
# then bench/bench.mjs does the work. Not part of `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."

# /usr/bin/python3 on purpose: python3-torch is a Debian package, invisible to the pyenv python.
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
	if [ "$(id -u)" -eq 0 ]; then
		echo "[bench] installing python3-torch (apt)…" >&2
		apt-get update && apt-get install -y python3-torch
	else
		echo "[bench] PyTorch is missing and this is not root: run 'sudo apt-get install -y python3-torch'." >&2
		echo "[bench] Continuing without the native side (no ratios)." >&2
		export BENCH_NO_TORCH=1
	fi
fi

CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM_PATH" ]; then
	if [ "$(id -u)" -eq 0 ]; then
		echo "[bench] installing chromium (apt)…" >&2
		apt-get update && apt-get install -y chromium
		[ -x "$CHROMIUM_PATH" ] || { echo "[bench] chromium installed but $CHROMIUM_PATH still missing (set CHROMIUM_PATH=/usr/bin/chromium)." >&2; exit 1; }
	else
		echo "[bench] $CHROMIUM_PATH not found: run 'sudo apt-get install -y chromium' (Playwright cannot download a browser here)." >&2
		exit 1
	fi
fi
export CHROMIUM_PATH

start=$SECONDS
node bench/bench.mjs
echo "[bench] wall time $((SECONDS - start)) s; results in bench/out/results.json" >&2
