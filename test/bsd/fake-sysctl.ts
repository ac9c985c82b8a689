/**
 * TEST ONLY. A fake sysctl(8) executable for the spawn fallback: it keeps kernel state in a JSON file and behaves
 * like FreeBSD's /sbin/sysctl or macOS's /usr/sbin/sysctl for integer OIDs (`-n` reads, `name=value` /
 * `-w name=value` writes printing `name: old -> new`, strerror text on stderr, exit 1 on failure), with the
 * kernels' silent clamping, a non-root mode and a failure hook on the Nth write.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BsdOs } from '@ephemeral-ports/core';

export interface FakeSysctlState {
  os: BsdOs;
  values: Record<string, number>;
  root: boolean;
  /** The Nth write from now fails with "Input/output error"; 0 = never. */
  failWriteAt: number;
  clampMin: number;
  clampMax: number;
  /** argv of every call. */
  calls: string[][];
}

const P = 'net.inet.ip.portrange.';

function initialValues(os: BsdOs): Record<string, number> {
  const v: Record<string, number> = {
    [`${P}lowfirst`]: 1023,
    [`${P}lowlast`]: 600,
    [`${P}first`]: os === 'freebsd' ? 10000 : 49152,
    [`${P}last`]: 65535,
    [`${P}hifirst`]: 49152,
    [`${P}hilast`]: 65535,
  };
  if (os === 'freebsd') Object.assign(v, { [`${P}reservedlow`]: 0, [`${P}reservedhigh`]: 1023, [`${P}randomized`]: 1 });
  return v;
}

// The executable's body (plain JS, run by this Node binary through its #! line).
const PROGRAM = String.raw`
const fs = require('node:fs');
const file = __STATE__;
const s = JSON.parse(fs.readFileSync(file, 'utf8'));
const args = process.argv.slice(2);
s.calls.push(args);
const save = () => fs.writeFileSync(file, JSON.stringify(s));
const fail = (msg) => { process.stderr.write('sysctl: ' + msg + '\n'); save(); process.exit(1); };
const clamped = new Set(['first', 'last', 'hifirst', 'hilast'].map((k) => '${P}' + k));
let rest = args;
let quiet = false;
if (rest[0] === '-n') { quiet = true; rest = rest.slice(1); }
if (rest[0] === '-w') { if (s.os !== 'darwin') fail('illegal option -- w'); rest = rest.slice(1); }
let status = 0;
for (const arg of rest) {
  const eq = arg.indexOf('=');
  const name = eq < 0 ? arg : arg.slice(0, eq);
  if (!(name in s.values)) { process.stderr.write("sysctl: unknown oid '" + name + "'\n"); status = 1; continue; }
  if (eq < 0) { process.stdout.write((quiet ? '' : name + ': ') + s.values[name] + '\n'); continue; }
  if (!s.root) fail(arg + ': Operation not permitted');
  if (s.failWriteAt > 0 && --s.failWriteAt === 0) fail(arg + ': Input/output error');
  let v = Number(arg.slice(eq + 1));
  if (clamped.has(name)) v = Math.min(s.clampMax, Math.max(s.clampMin, v));
  const old = s.values[name];
  s.values[name] = v;
  process.stdout.write(name + ': ' + old + ' -> ' + v + '\n');
}
save();
process.exit(status);
`;

export interface FakeSysctl {
  /** Absolute path of the executable. */
  path: string;
  state(): FakeSysctlState;
  update(change: (s: FakeSysctlState) => void): void;
  remove(): void;
}

export function createFakeSysctl(os: BsdOs): FakeSysctl {
  const dir = mkdtempSync(join(tmpdir(), `fake-sysctl-${os}-`));
  const stateFile = join(dir, 'state.json');
  const path = join(dir, 'sysctl');
  const initial: FakeSysctlState = {
    os,
    values: initialValues(os),
    root: true,
    failWriteAt: 0,
    clampMin: 1024,
    clampMax: 65535,
    calls: [],
  };
  writeFileSync(stateFile, JSON.stringify(initial));
  writeFileSync(path, `#!${process.execPath}\n${PROGRAM.replace('__STATE__', JSON.stringify(stateFile))}`);
  chmodSync(path, 0o755);
  const state = (): FakeSysctlState => JSON.parse(readFileSync(stateFile, 'utf8')) as FakeSysctlState;
  return {
    path,
    state,
    update(change) {
      const s = state();
      change(s);
      writeFileSync(stateFile, JSON.stringify(s));
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
