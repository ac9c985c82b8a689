/**
 * TEST ONLY. A fake sysctl(8) executable for the spawn fallback: it keeps kernel state in files and behaves
 * like FreeBSD's /sbin/sysctl or macOS's /usr/sbin/sysctl for integer OIDs (`-n` reads, `name=value` /
 * `-w name=value` writes printing `name: old -> new`, strerror text on stderr, exit 1 on failure), with the
 * kernels' silent clamping, a non-root mode and a failure hook on the Nth write.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BsdOs } from '@ephemeral-ports/bsd';

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

// The executable: POSIX sh + awk (a Node process per call would dominate the run; the contract suite makes
// hundreds). State lives in files next to it: `values` ("name value" lines), `os`, `root`, `fail_at`, `clamp`
// ("min max"), and `calls` (one line per call, arguments separated by spaces).
const PROGRAM = String.raw`#!/bin/sh
D=__DIR__
echo "$*" >> "$D/calls"
quiet=0
if [ "$1" = -n ]; then quiet=1; shift; fi
if [ "$1" = -w ]; then
  if [ "$(cat "$D/os")" != darwin ]; then echo "sysctl: illegal option -- w" >&2; exit 1; fi
  shift
fi
case "$*" in
  *=*) ;;
  *) # Reads: one awk for every name, in argument order.
    exec awk -v q=$quiet -v names="$*" '
      { v[$1] = $2 }
      END {
        n = split(names, a, " "); rc = 0
        for (i = 1; i <= n; i++) {
          if (!(a[i] in v)) { print "sysctl: unknown oid \x27" a[i] "\x27" > "/dev/stderr"; rc = 1; continue }
          print (q ? "" : a[i] ": ") v[a[i]]
        }
        exit rc
      }' "$D/values" ;;
esac
for arg in "$@"; do
  name=\${arg%%=*}; val=\${arg#*=}
  cur=$(awk -v n="$name" '$1 == n { print $2 }' "$D/values")
  if [ -z "$cur" ]; then echo "sysctl: unknown oid '$name'" >&2; exit 1; fi
  if [ "$(cat "$D/root")" != 1 ]; then echo "sysctl: $arg: Operation not permitted" >&2; exit 1; fi
  fail_at=$(cat "$D/fail_at")
  if [ "$fail_at" -gt 0 ]; then
    fail_at=$((fail_at - 1)); echo $fail_at > "$D/fail_at"
    if [ $fail_at = 0 ]; then echo "sysctl: $arg: Input/output error" >&2; exit 1; fi
  fi
  case "$name" in
    net.inet.ip.portrange.first|net.inet.ip.portrange.last|net.inet.ip.portrange.hifirst|net.inet.ip.portrange.hilast)
      read min max < "$D/clamp"
      if [ "$val" -lt "$min" ]; then val=$min; elif [ "$val" -gt "$max" ]; then val=$max; fi ;;
  esac
  awk -v n="$name" -v v="$val" '$1 == n { $2 = v } { print }' "$D/values" > "$D/values.new"
  mv "$D/values.new" "$D/values"
  echo "$name: $cur -> $val"
done
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
  const path = join(dir, 'sysctl');
  const file = (name: string) => join(dir, name);
  const write = (s: FakeSysctlState) => {
    writeFileSync(file('os'), s.os);
    writeFileSync(file('root'), s.root ? '1' : '0');
    writeFileSync(file('fail_at'), String(s.failWriteAt));
    writeFileSync(file('clamp'), `${s.clampMin} ${s.clampMax}\n`);
    writeFileSync(file('values'), Object.entries(s.values).map(([n, v]) => `${n} ${v}\n`).join(''));
    writeFileSync(file('calls'), s.calls.map((c) => `${c.join(' ')}\n`).join(''));
  };
  const state = (): FakeSysctlState => {
    const [clampMin, clampMax] = readFileSync(file('clamp'), 'utf8').trim().split(' ').map(Number);
    const lines = (name: string) => readFileSync(file(name), 'utf8').split('\n').filter((l) => l !== '');
    return {
      os,
      values: Object.fromEntries(lines('values').map((l) => [l.split(' ')[0]!, Number(l.split(' ')[1])])),
      root: readFileSync(file('root'), 'utf8') === '1',
      failWriteAt: Number(readFileSync(file('fail_at'), 'utf8')),
      clampMin: clampMin!,
      clampMax: clampMax!,
      calls: lines('calls').map((l) => l.split(' ')),
    };
  };
  write({ os, values: initialValues(os), root: true, failWriteAt: 0, clampMin: 1024, clampMax: 65535, calls: [] });
  // String.raw keeps the backslashes that stop ${...} from interpolating; the shell needs them gone.
  writeFileSync(path, PROGRAM.replaceAll('\\${', '${').replace('__DIR__', `'${dir}'`));
  chmodSync(path, 0o755);
  return {
    path,
    state,
    update(change) {
      const s = state();
      change(s);
      write(s);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
