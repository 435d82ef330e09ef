#!/usr/bin/env bash
# End-to-end tests drive Debian's chromium; Playwright cannot download a browser here.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
	echo "chromium is missing: installing Debian's chromium with apt-get…"
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
	[ -x "$CHROMIUM" ] && exit 0
fi
echo "Kiln's end-to-end tests need Chromium at $CHROMIUM." >&2
echo "Install it as root with: apt-get update && apt-get install -y chromium" >&2
echo "(or point CHROMIUM_PATH at another Chromium binary)." >&2
exit 1
