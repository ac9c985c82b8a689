#!/usr/bin/env bash
# Runs the pinned Windows node.exe under Wine with the given arguments (paths as Windows paths or relative to
# the current directory). Windows node must never get a Unix pipe as stdio (EBADF in createWritableStdioStream),
# so its output goes to a regular file that is streamed here; the exit code is passed through.
set -euo pipefail
source "$(dirname "$0")/env.sh"
[[ -f $WIN_NODE_EXE && -f $WINEPREFIX/.ephemeral-ports-ready ]] || { echo "wine-node: run scripts/windows/setup.sh first" >&2; exit 2; }
log="$(mktemp "${TMPDIR:-/tmp}/ep-wine-node.XXXXXX")"
trap 'rm -f "$log"' EXIT
"$WINE64" "$WIN_NODE_EXE" "$@" </dev/null >"$log" 2>&1 &
pid=$!
tail -n +1 -f --pid="$pid" "$log" &
tailpid=$!
# A timeout or Ctrl-C stops node.exe too, not just this script.
trap 'kill "$pid" "$tailpid" 2>/dev/null; exit 143' TERM INT
set +e
wait "$pid"
rc=$?
wait "$tailpid" 2>/dev/null
exit "$rc"
