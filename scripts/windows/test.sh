#!/usr/bin/env bash
# The Windows test step (`npm run test:windows`): prepares Wine (setup.sh), cross-builds the addon and the netsh
# and PowerShell doubles with mingw, builds the dist of core, win32 and the facade, then runs
# test/windows/wine/*.test.mjs with node:test inside the pinned Windows node.exe (one process, see
# test/windows/wine/run-all.mjs). Exit code = the tests'; a run that hangs is killed after EP_WINE_TEST_TIMEOUT
# seconds (default 300) and fails.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
cd "$REPO_ROOT"
t0=$(date +%s)
stamp() { printf '[windows +%ss] %s\n' "$(( $(date +%s) - t0 ))" "$*"; }

"$here/setup.sh"
stamp "setup done"

# Rebuild the addon only when a source is newer than the prebuild (CI always starts without one).
prebuild=packages/win32/prebuilds/win32-x64/ephemeral_ports_win32.napi.node
if [[ ! -f $prebuild ]] || [[ -n $(find native/win32 -newer "$prebuild" -print -quit) ]]; then
  "$here/cross-build.sh"
fi
# The doubles of netsh and of Windows PowerShell (test/windows/doubles/*.cc and the state-file.h they share),
# rebuilt when their source changed.
for name in netsh-double powershell-double; do
  double_src="test/windows/doubles/$name.cc"
  double_exe="$EP_WINE_CACHE/bin/$name.exe"
  if [[ ! -f $double_exe || $double_src -nt $double_exe || test/windows/doubles/state-file.h -nt $double_exe ]]; then
    mkdir -p "$EP_WINE_CACHE/bin"
    x86_64-w64-mingw32-g++-posix -O2 -std=c++17 -static -s -o "$double_exe.part" "$double_src"
    mv "$double_exe.part" "$double_exe"
  fi
done
stamp "native builds done"

# The tests load the built dist; rebuild a package only when its sources are newer (npm test builds them all).
for pkg in core win32 ephemeral-ports; do
  dist="packages/$pkg/dist/index.mjs"
  if [[ ! -f $dist ]] || [[ -n $(find "packages/$pkg/src" -newer "$dist" -print -quit) ]]; then
    if ! out="$(cd "packages/$pkg" && npx --no-install tsup 2>&1)"; then
      printf '%s\nbuild of packages/%s failed\n' "$out" "$pkg" >&2
      exit 1
    fi
  fi
done
stamp "dist builds done"

netsh_exe="$EP_WINE_CACHE/bin/netsh-double.exe"
powershell_exe="$EP_WINE_CACHE/bin/powershell-double.exe"
export EP_NETSH_DOUBLE="Z:${netsh_exe//\//\\}"
export EP_POWERSHELL_DOUBLE="Z:${powershell_exe//\//\\}"
set +e
timeout --kill-after=10 "${EP_WINE_TEST_TIMEOUT:-300}" \
  "$here/wine-node.sh" --test-reporter=spec test/windows/wine/run-all.mjs "$@"
rc=$?
set -e
stamp "wine tests exit code $rc"
exit "$rc"
