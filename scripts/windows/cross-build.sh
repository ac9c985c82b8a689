#!/usr/bin/env bash
# Cross-builds the Windows addon (native/win32) with mingw-w64 into the node-gyp-build prebuild layout:
#   packages/win32/prebuilds/win32-x64/ephemeral_ports_win32.napi.node
# node-gyp cannot cross-build (its Windows link step wants MSVC); on Windows the same sources build with
# node-gyp + MSVC through packages/win32/binding.gyp. Run in CI and at prepack; the output is not committed.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cxx=x86_64-w64-mingw32-g++-posix
dlltool=x86_64-w64-mingw32-dlltool
command -v "$cxx" >/dev/null || { echo "cross-build: $cxx missing (apt install g++-mingw-w64-x86-64-posix)" >&2; exit 1; }

headers="$root/node_modules/node-api-headers"
addon_api="$root/node_modules/node-addon-api"
out_dir="$root/packages/win32/prebuilds/win32-x64"
out="$out_dir/ephemeral_ports_win32.napi.node"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Import library for the Node-API symbols that node.exe exports.
"$dlltool" -d "$headers/def/node_api.def" -l "$work/libnode_api.a" -D node.exe

mkdir -p "$out_dir"
# -static: no libwinpthread/libstdc++ DLLs next to the addon. NAPI_VERSION 8 = Node >= 12.22/14.17/16.
cxxflags=(-O2 -std=c++17 -Wall -Wextra -Wno-unused-parameter -Wno-cast-function-type
  -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS -DUNICODE -D_UNICODE -I "$headers/include" -I "$addon_api")
# One compiler per source, in parallel: each translation unit pulls in the whole node-addon-api header.
pids=()
for src in "$root"/native/win32/*.cc; do
  "$cxx" "${cxxflags[@]}" -c "$src" -o "$work/$(basename "$src" .cc).o" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
"$cxx" -shared -s -static -o "$work/addon.node" "$work"/*.o \
  "$work/libnode_api.a" -liphlpapi -lws2_32 -lole32 -loleaut32 -lwbemuuid -ladvapi32
mv "$work/addon.node" "$out"
echo "cross-build: $out ($(stat -c %s "$out") bytes)"
