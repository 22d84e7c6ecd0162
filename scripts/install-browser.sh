#!/usr/bin/env bash
# Installs the headless browser the HTML report test drives (Debian's `chromium` at /usr/bin/chromium).
# Idempotent: does nothing when /usr/bin/chromium is already there. Uses apt-get (runs `apt-get update` once
# first); needs root, or sudo when not root.
#
#   scripts/install-browser.sh
set -euo pipefail
browser=/usr/bin/chromium
if [ -x "$browser" ]; then
  echo "install-browser: $browser already present ($("$browser" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install-browser: $browser is missing and this user is not root and has no sudo; install Debian's 'chromium' package as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
if [ ! -x "$browser" ]; then
  echo "install-browser: apt-get installed 'chromium' but $browser is still missing" >&2
  exit 1
fi
echo "install-browser: installed $("$browser" --version 2>/dev/null || echo "$browser")"
