/**
 * The prebuilds the published packages carry: one Node-API file per platform, loaded by every Node version
 * (node-gyp-build layout, `prebuilds/<platform>-<arch>/<target>[.<libc>].node`; node-gyp-build reads the `glibc` /
 * `musl` tag, and `napi` marks a build for every ABI). FreeBSD and AIX have no cross toolchain here: they build from
 * the shipped sources on install (native/common/install-addon.js).
 *
 * `zig` is the `-target` of zig 0.11's clang. `.2.17` pins the glibc the build links against, so the file loads on
 * every glibc from 2.17 on (CentOS 7, RHEL 8, Amazon Linux 2, Debian 10, Ubuntu 18.04 and newer).
 */

/** @typedef {{ id: string, pkg: 'linux' | 'bsd' | 'win32', os: 'linux' | 'macos' | 'windows', zig: string,
 *   platform: NodeJS.Platform, arch: 'x64' | 'arm64', libc?: 'glibc' | 'musl', file: string }} Target */

/** @type {readonly Target[]} */
export const TARGETS = Object.freeze([
  linux('x64', 'glibc', 'x86_64-linux-gnu.2.17'),
  linux('arm64', 'glibc', 'aarch64-linux-gnu.2.17'),
  linux('x64', 'musl', 'x86_64-linux-musl'),
  linux('arm64', 'musl', 'aarch64-linux-musl'),
  // zig 0.11 ships macOS SDK headers from 11.0 on; a 10.15 Mac builds from source (common.gypi's target is 10.15).
  target('bsd', 'macos', 'darwin', 'x64', 'x86_64-macos.11.0', 'ephemeral_ports_bsd.node'),
  target('bsd', 'macos', 'darwin', 'arm64', 'aarch64-macos.11.0', 'ephemeral_ports_bsd.node'),
  target('win32', 'windows', 'win32', 'x64', 'x86_64-windows-gnu', 'ephemeral_ports_win32.napi.node'),
]);

function linux(arch, libc, zig) {
  return { ...target('linux', 'linux', 'linux', arch, zig, `ephemeral_ports_linux.${libc}.node`), libc };
}

function target(pkg, os, platform, arch, zig, file) {
  const id = `${platform}-${arch}${file.includes('.musl.') ? '-musl' : file.includes('.glibc.') ? '-glibc' : ''}`;
  return { id, pkg, os, zig, platform, arch, file };
}

/** Folder of a target's file, relative to its package. */
export const prebuildDir = (t) => `prebuilds/${t.platform}-${t.arch}`;

/** The targets `selector` names: an id (linux-arm64-glibc), a package (linux, bsd, win32), or all. */
export function selectTargets(selectors) {
  if (!selectors.length) return [...TARGETS];
  const chosen = TARGETS.filter((t) => selectors.includes(t.id) || selectors.includes(t.pkg));
  const unknown = selectors.filter((s) => !TARGETS.some((t) => t.id === s || t.pkg === s));
  if (unknown.length) throw new Error(`unknown prebuild target(s) ${unknown.join(', ')}; known: ${TARGETS.map((t) => t.id).join(', ')}`);
  return chosen;
}
