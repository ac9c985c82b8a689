/**
 * Shared by the Wine tests: they run in a real Windows node.exe (under Wine) with `node --test`, and load the
 * BUILT packages (tsup dist) — scripts/windows/test.sh builds them first.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = new URL('../../../', import.meta.url);
export const WIN32_DIST = new URL('packages/win32/dist/index.mjs', root);
export const WIN32_DIST_CJS = fileURLToPath(new URL('packages/win32/dist/index.js', root));
export const FACADE_DIST = new URL('packages/ephemeral-ports/dist/index.mjs', root);
export const PREBUILD = fileURLToPath(new URL('packages/win32/prebuilds/win32-x64/ephemeral_ports_win32.napi.node', root));

export const win32 = await import(WIN32_DIST.href);

/** The mingw-built netsh double (test/windows/doubles/netsh-double.cc); its Windows path comes from the runner. */
export function netshDouble() {
  const exe = process.env.EP_NETSH_DOUBLE;
  if (!exe) throw new Error('EP_NETSH_DOUBLE is not set: run these tests through scripts/windows/test.sh');
  return exe;
}

/** The mingw-built PowerShell double (test/windows/doubles/powershell-double.cc), over the netsh double's state. */
export function powershellDouble() {
  const exe = process.env.EP_POWERSHELL_DOUBLE;
  if (!exe) throw new Error('EP_POWERSHELL_DOUBLE is not set: run these tests through scripts/windows/test.sh');
  return exe;
}

/** A fresh double state file; `lines` are its key=value lines. */
export function doubleState(lines) {
  const file = join(mkdtempSync(join(tmpdir(), 'ep-netsh-')), 'state.txt');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return {
    file,
    read() {
      const out = { calls: [], pscalls: [] };
      for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
        const eq = line.indexOf('=');
        if (eq < 0) continue;
        const [k, v] = [line.slice(0, eq), line.slice(eq + 1)];
        if (k === 'call') out.calls.push(v);
        else if (k === 'pscall') out.pscalls.push(v);
        else out[k] = v;
      }
      return out;
    },
  };
}

/** Settles a promise into its error (or fails when it resolves). */
export async function rejectionOf(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, but the promise resolved');
}
