/**
 * Compiles and links one prebuild with zig 0.11 (clang + lld + its own libc++): one object per source, then the
 * shared object. Node-API only, so one file serves every Node version; the headers are node-api-headers and
 * node-addon-api from node_modules, with C++ exceptions on (node-addon-api's `NAPI_CPP_EXCEPTIONS`, as the
 * node-gyp build's `node_addon_api_except` target). libc++ is linked statically (zig links no other way), so
 * the Linux files need no libstdc++ at run time; the only exported symbols are Node-API's module entry points.
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
 * @param {{ zig: string, root: string, headers: string, addonApi: string, jobs: (task: () => Promise<void>) => Promise<void>,
 *   log: (line: string) => void }} tools
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
    tools.log(`${target.id}: compiled ${objects.length} sources, linking`);
    const linked = join(work, 'addon.node');
    if (target.os === 'windows') await windowsImportLibrary(tools, work);
    await tools.jobs(() => zig(tools, ['c++', '-target', target.zig, '-shared', ...linkFlags(tools, target, binding, work), '-o', linked, ...objects]));
    mkdirSync(dirname(out), { recursive: true });
    // Copied beside the final name, then renamed: a process loading prebuilds/ meanwhile never sees half a file.
    const part = `${out}.part-${process.pid}`;
    copyFileSync(linked, part);
    renameSync(part, out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function linkFlags(tools, target, binding, work) {
  const libraries = binding.libraries.map((l) => `-l${l}`);
  switch (target.os) {
    case 'linux': {
      const script = join(work, 'exports.map');
      writeFileSync(script, `{ global: ${EXPORTS.join('; ')}; local: *; };\n`);
      return ['-fPIC', '-s', `-Wl,--version-script=${script}`, '-Wl,-z,noexecstack', ...libraries];
    }
    case 'macos':
      // Node-API symbols come from the node binary that loads the addon.
      return ['-s', '-Wl,-undefined,dynamic_lookup', `-Wl,-exported_symbol,_${EXPORTS[0]}`, `-Wl,-exported_symbol,_${EXPORTS[1]}`, ...libraries];
    case 'windows':
      // node.exe exports Node-API; the import library is made from node-api-headers' .def at link time.
      return ['-s', join(work, 'node_api.lib'), ...libraries];
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

/** Windows: the import library of node.exe's Node-API exports (node-api-headers' .def), for the link step. */
async function windowsImportLibrary(tools, work) {
  const def = join(tools.headers, '..', 'def', 'node_api.def');
  await zig(tools, ['dlltool', '-d', def, '-l', join(work, 'node_api.lib'), '-D', 'node.exe', '-m', 'i386:x86-64']);
}
