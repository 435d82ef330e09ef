#!/usr/bin/env bash
# `npm run bench`: checks the native (PyTorch on an optimised BLAS) and browser (Debian chromium)
# prerequisites, then bench/bench.mjs does the work. Not part of `npm test`.
# On a shared machine run it alone: `flock /tmp/kiln-heavy.lock npm run bench`.
set -euo pipefail
cd "$(dirname "$0")/.."

is_root() { [ "$(id -u)" -eq 0 ]; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
apt_updated=0
apt_install() {
	[ "$apt_updated" -eq 1 ] || { apt-get update -qq && apt_updated=1; }
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# /usr/bin/python3 on purpose: python3-torch is a Debian package, invisible to the pyenv python.
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
	if is_root; then
		echo "[bench] installing python3-torch (apt)…" >&2
		apt_install python3-torch
	else
		echo "[bench] PyTorch is missing and this is not root: run 'sudo apt-get install -y python3-torch'." >&2
		echo "[bench] Continuing without the native side (no ratios)." >&2
		export BENCH_NO_TORCH=1
	fi
fi

# Debian's torch calls whatever libblas.so.3 the alternatives point to. With only the reference
# BLAS it ran matmul at 5.7 GFLOP/s (OpenBLAS: 139.5) and made the browser look faster than
# native. Installing OpenBLAS switches the alternative (auto mode) to it.
if [ "${BENCH_NO_TORCH:-0}" != 1 ] && command -v dpkg-query >/dev/null; then
	if ! installed libopenblas0-pthread && ! installed libopenblas0-openmp; then
		if is_root; then
			echo "[bench] installing libopenblas0-pthread (apt), so PyTorch is not on the reference BLAS…" >&2
			apt_install libopenblas0-pthread
		else
			echo "[bench] No OpenBLAS and this is not root: run 'sudo apt-get install -y libopenblas0-pthread'. Ratios will be refused." >&2
		fi
	fi
	arch_dir="$(/usr/bin/python3 -c 'import sysconfig; print(sysconfig.get_config_var("MULTIARCH") or "")' 2>/dev/null || true)"
	if [ -n "$arch_dir" ] && command -v update-alternatives >/dev/null; then
		current="$(update-alternatives --query "libblas.so.3-$arch_dir" 2>/dev/null | sed -n 's/^Value: //p')"
		mode="$(update-alternatives --query "libblas.so.3-$arch_dir" 2>/dev/null | sed -n 's/^Status: //p')"
		echo "[bench] libblas.so.3 alternative ($mode): ${current:-none}" >&2
		case "$current" in
			*openblas*|*blis*|*mkl*|*atlas*) ;;
			*) echo "[bench] WARNING: libblas.so.3 does not point to an optimised BLAS ('update-alternatives --config libblas.so.3-$arch_dir'); the bench will refuse ratios if PyTorch is slow." >&2 ;;
		esac
	fi
fi

CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM_PATH" ]; then
	if is_root; then
		echo "[bench] installing chromium (apt)…" >&2
		apt_install chromium
		[ -x "$CHROMIUM_PATH" ] || { echo "[bench] chromium installed but $CHROMIUM_PATH still missing (set CHROMIUM_PATH=/usr/bin/chromium)." >&2; exit 1; }
	else
		echo "[bench] $CHROMIUM_PATH not found: run 'sudo apt-get install -y chromium' (Playwright cannot download a browser here)." >&2
		exit 1
	fi
fi
export CHROMIUM_PATH

# A fresh clone installed with --ignore-scripts has no .svelte-kit/tsconfig.json, which the
# bench's Vite build needs (package.json's prepare script normally makes it).
[ -f .svelte-kit/tsconfig.json ] || npx svelte-kit sync

start=$SECONDS
node bench/bench.mjs
echo "[bench] wall time $((SECONDS - start)) s; results in bench/out/results.json" >&2
