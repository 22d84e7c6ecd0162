#!/usr/bin/env bash
# Installs what the tests need beyond Maven, on a fresh machine; idempotent and quick when already installed.
#   - arrow-export/src/test/js/node_modules: the npm packages of NodeArrowReaderTest's independent reader
#     check (apache-arrow, plus lz4js and fzstd, the pure-JavaScript LZ4 frame and ZSTD decoders it registers),
#     pinned by the committed package-lock.json and installed with `npm ci`.
# Without Node.js nothing is installed and that test is skipped (it is the only one that needs node).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

js_dir=arrow-export/src/test/js
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "install-test-tools: node/npm not found; NodeArrowReaderTest will be skipped" >&2
  exit 0
fi

# npm ci writes node_modules/.package-lock.json; when it matches the committed lock file, everything is in place.
stamp="$js_dir/node_modules/.package-lock.json"
if [ -f "$stamp" ] && [ "$stamp" -nt "$js_dir/package-lock.json" ] && [ -d "$js_dir/node_modules/apache-arrow" ]; then
  echo "install-test-tools: $js_dir/node_modules is up to date" >&2
  exit 0
fi
echo "install-test-tools: installing the npm packages of $js_dir" >&2
# --ignore-scripts: every package used is plain JavaScript; nothing needs to run at install time.
(cd "$js_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
