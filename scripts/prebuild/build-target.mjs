/**
 * Compiles and links one prebuild with zig 0.11 (clang + lld + its own libc++): one object per source, then the
 * shared object. Node-API only, so one file serves every Node version; the headers are node-api-headers and
 * node-addon-api from node_modules, with C++ exceptions on (node-addon-api's `NAPI_CPP_EXCEPTIONS`, as the
 * node-gyp build's `node_addon_api_except` target). libc++ is linked statically (zig links no other way), so
 * the Linux files need no libstdc++ at run time, and a version script leaves Node-API's module entry points as
 * their only exports. (zig 0.11's Mach-O linker has no export list: the macOS files also export libc++'s
 * default-visibility symbols, which two-level namespaces keep from meeting the system's libc++.)
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { readBinding } from './gyp.mjs';

const run = promisify(execFile);

/** The module entry points Node looks up in a Node-API addon (node_api.h's NAPI_MODULE_INIT and version query). */
export const EXPORTS = ['napi_register_module_v1', 'node_api_module_get_api_version_v1'];

/**
 * @param {{ zig: string, root: string, headers: string, addonApi: string,
 *   jobs: <T>(task: () => Promise<T>) => Promise<T>, log: (line: string) => void }} tools
 * @param {import('./targets.mjs').Target} target
 * @param {string} out absolute path of the file to write
 */
export async function buildTarget(tools, target, out) {
  const packageDir = join(tools.root, 'packages', target.pkg);
  const binding = readBinding(packageDir);
  const work = mkdtempSync(join(tmpdir(), `ephports-${target.id}-`));
  try {
    const cxxflags = [
      '-target', target.zig, '-O2', '-std=c++17', '-fexceptions', '-fvisibility=hidden', '-Wall', '-Wextra',
      ...(target.os === 'windows' ? [] : ['-fPIC']),
      ...binding.defines.map((d) => `-D${d}`), '-DNAPI_CPP_EXCEPTIONS', '-DBUILDING_NODE_EXTENSION',
      `-DNODE_GYP_MODULE_NAME=${binding.name}`,
      ...binding.includeDirs.map((d) => `-I${d}`), `-I${tools.headers}`, `-I${tools.addonApi}`,
    ];
    const objects = await Promise.all(
      binding.sources.map((source) =>
        tools.jobs(async () => {
          const object = join(work, `${basename(dirname(source))}-${basename(source, '.cc')}.o`);
          await zig(tools, ['c++', ...cxxflags, '-c', source, '-o', object]);
          return object;
        }),
      ),
    );
    tools.log(`${target.id}: compiled ${objects.length} sources, linking (the first link also builds zig's libc++ for the target)`);
    const linked = join(work, 'addon.node');
    let libraries = binding.libraries;
    if (target.os === 'windows') {
      await windowsImportLibrary(tools, work);
      objects.push(...(await windowsGuidObjects(tools, target, libraries, work)));
      libraries = libraries.filter((l) => !(l in GUID_LIBRARIES));
    }
    const flags = linkFlags(target, libraries, work);
    await tools.jobs(() => zig(tools, ['c++', '-target', target.zig, '-shared', ...flags, '-o', linked, ...objects]));
    mkdirSync(dirname(out), { recursive: true });
    // Copied beside the final name, then renamed: a process loading prebuilds/ meanwhile never sees half a file.
    const part = `${out}.part-${process.pid}`;
    copyFileSync(linked, part);
    renameSync(part, out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function linkFlags(target, names, work) {
  const libraries = names.map((l) => `-l${l}`);
  switch (target.os) {
    case 'linux': {
      const script = join(work, 'exports.map');
      writeFileSync(script, `{ global: ${EXPORTS.join('; ')}; local: *; };\n`);
      return ['-fPIC', '-s', `-Wl,--version-script=${script}`, '-Wl,-z,noexecstack', ...libraries];
    }
    case 'macos':
      // Node-API symbols come from the node binary that loads the addon.
      return ['-s', '-Wl,-undefined,dynamic_lookup', ...libraries];
    case 'windows':
      // node.exe exports Node-API; the import library is made from node-api-headers' .def at link time.
      return ['-s', '-static', join(work, 'node_api.lib'), ...libraries];
  }
}

/** Runs zig; on failure the error carries zig's output. */
async function zig(tools, args) {
  try {
    return await run(tools.zig, args, { maxBuffer: 16 * 1024 * 1024, timeout: 1_800_000, env: { ...process.env, LC_ALL: 'C' } });
  } catch (error) {
    throw new Error(`zig ${args.join(' ')} failed:\n${error.stderr ?? ''}${error.stdout ?? ''}`);
  }
}

/**
 * MinGW's GUID-only static libraries that zig 0.11 does not ship, and the header whose DEFINE_GUIDs they hold: the
 * GUIDs are compiled from that header (with initguid.h) instead.
 */
const GUID_LIBRARIES = { wbemuuid: 'wbemcli.h' };

async function windowsGuidObjects(tools, target, libraries, work) {
  const objects = [];
  for (const library of libraries.filter((l) => l in GUID_LIBRARIES)) {
    const source = join(work, `${library}.c`);
    writeFileSync(source, `#include <initguid.h>\n#include <${GUID_LIBRARIES[library]}>\n`);
    const object = join(work, `${library}.o`);
    await tools.jobs(() => zig(tools, ['cc', '-target', target.zig, '-O2', '-c', source, '-o', object]));
    objects.push(object);
  }
  return objects;
}

/** Windows: the import library of node.exe's Node-API exports (node-api-headers' .def), for the link step. */
async function windowsImportLibrary(tools, work) {
  const def = join(tools.headers, '..', 'def', 'node_api.def');
  await zig(tools, ['dlltool', '-d', def, '-l', join(work, 'node_api.lib'), '-D', 'node.exe', '-m', 'i386:x86-64']);
}
