/**
 * A test double of AIX's /usr/sbin/no (EMULATED — no AIX machine is available here). Its rules come from IBM's
 * documentation, page by page; where IBM documents a behaviour but not its wording, the wording is ours and says so.
 *
 * IBM Docs "no Command" (AIX 7.3, https://www.ibm.com/docs/en/aix/7.3.0?topic=n-no-command):
 *   syntax  no [-p|-r] {-o Tunable[=NewValue]} | {-d Tunable} | -D | [-F] -a | -h [Tunable] | [-F] -L | [-F] -x [Tunable];
 *           "Multiple flags such as -o, -d, -x, and -L flags are allowed" (applied here in command-line order).
 * IBM Docs "Common syntax for tuning commands" (AIX 7.3, performancetools/tuningcmdsyntax.html):
 *   -a      "tunable = value", one per line; with -r the reboot values; with -p a value only where reboot and
 *           current are equal, else NONE; "n/a" for a tunable the running kernel does not support.
 *   -o t    displays "t = value" (same -p/-r rules); -o t=v sets it. A tunable of type Bosboot or Reboot whose value
 *           would change, or an Incremental one asked to decrease, "is not changed, but a message displays instead"
 *           unless -r is given.
 *   -p      with -o/-d/-D: the current and the reboot value (updates /etc/tunables/nextboot); refused for Reboot and
 *           Bosboot tunables ("their current value can't be changed").
 *   -r      with -o/-d/-D: the reboot value only (nextboot file).
 *   -d t/-D reset one / all to the default (same type rules as -o).
 *   -x      "tunable,current,default,reboot,min,max,unit,type,dependencies" per line; -F adds the restricted
 *           tunables after a "##Restricted tunables" line (-a and -x show them only with -F).
 * IBM Docs "Tunable parameters type" (AIX 7.3): the type letters; Static tunables "can never be changed".
 * IBM Docs "tuncheck Command" (AIX 7.3): every value is "checked for range and dependencies", with messages
 *   "similar to: Parameter X is out of range or Dependency problem between parameter A and B" — the wording used
 *   here for -o. Whether tcp_ephemeral_low/high are declared dependent is not documented: the double lists each as
 *   the other's dependency and refuses low > high (a dependency problem), the strictest reading, so a backend that
 *   passes through an inverted pair fails here. Every state the pair goes through is logged (states.log) so tests
 *   also see one-port intermediate states, which the double does not refuse.
 * IBM Docs "raso Command": the tuning commands need root authority to change values; the wording of the refusal
 *   is ours. Exit status on a refusal is not documented; the double exits 1 (platform-facts §7.2: non-zero).
 * Assignments of one invocation run in order; the first refused one stops the command, earlier ones stay applied.
 *
 * Test controls (environment): NO_DOUBLE_STATE (state directory: tunables.json, nextboot, calls.log, states.log),
 * NO_DOUBLE_UID (instead of the real uid), NO_DOUBLE_FAIL_ON=<tunable> (its write fails), NO_DOUBLE_FAIL_AFTER=<n>
 * (every write after n fails). Used through a generated wrapper executable (no-double.ts), never shipped.
 */
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const EPHEMERAL_PAIRS = [
  ['tcp_ephemeral_low', 'tcp_ephemeral_high'],
  ['udp_ephemeral_low', 'udp_ephemeral_high'],
];

class Refusal extends Error {}

export function main(argv, env) {
  const dir = env.NO_DOUBLE_STATE;
  const statePath = join(dir, 'tunables.json');
  const tunables = JSON.parse(readFileSync(statePath, 'utf8'));
  appendFileSync(join(dir, 'calls.log'), `${JSON.stringify(argv)}\n`);
  const uid = env.NO_DOUBLE_UID !== undefined ? Number(env.NO_DOUBLE_UID) : process.getuid();
  const writesPath = join(dir, 'writes');
  let writes = Number(readOr(writesPath) || 0);
  const out = [];
  const save = () => {
    writeFileSync(`${statePath}.tmp`, JSON.stringify(tunables, null, 2));
    renameSync(`${statePath}.tmp`, statePath);
    writeFileSync(writesPath, String(writes));
  };
  const finish = (message) => {
    save();
    process.stdout.write(out.join(''));
    if (message !== undefined) {
      process.stderr.write(`${message}\n`);
      process.exit(1);
    }
  };

  try {
    run(argv, tunables, { uid, env, out, dir, countWrite: () => writes++, writes: () => writes });
  } catch (error) {
    if (error instanceof Refusal) return finish(error.message);
    throw error;
  }
  finish();
}

function run(argv, tunables, ctx) {
  const { out } = ctx;
  let persist = false;
  let rebootOnly = false;
  let force = false;
  const actions = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-p') persist = true;
    else if (a === '-r') rebootOnly = true;
    else if (a === '-F') force = true;
    else if (a === '-a' || a === '-D') actions.push([a, null]);
    else if (a === '-x' || a === '-L' || a === '-h') {
      const next = argv[i + 1];
      actions.push([a, next === undefined || next.startsWith('-') ? null : argv[++i]]);
    } else if (a === '-o' || a === '-d') {
      if (argv[i + 1] === undefined) throw new Refusal(`no: option ${a} requires an argument\n${USAGE}`);
      actions.push([a, argv[++i]]);
    } else throw new Refusal(`no: unknown option ${a}\n${USAGE}`);
  }
  if (persist && rebootOnly) throw new Refusal(`no: the -p and -r flags cannot be used together\n${USAGE}`);

  const get = (name) => {
    const t = tunables[name];
    if (!t) throw new Refusal(`no: ${name} is not a network tunable (wording not documented by IBM)`);
    return t;
  };
  const show = (t, field) => (t.supported === false ? 'n/a' : String(t[field]));
  const valueOf = (t) =>
    t.supported === false
      ? 'n/a'
      : rebootOnly
        ? String(t.reboot)
        : persist
          ? t.current === t.reboot
            ? String(t.current)
            : 'NONE'
          : String(t.current);

  const set = (name, value) => {
    const t = get(name);
    if (ctx.uid !== 0) {
      throw new Refusal(`no: changing ${name} requires root authority (wording not documented by IBM)`);
    }
    if (t.type === 'S' || t.type === 'd') throw new Refusal(`no: ${name} is a static tunable and cannot be changed`);
    if (persist && (t.type === 'R' || t.type === 'B')) {
      throw new Refusal(`no: -p cannot be used with ${name}: it is a ${t.type === 'R' ? 'Reboot' : 'Bosboot'} tunable`);
    }
    if (!rebootOnly && value !== t.current && (t.type === 'R' || t.type === 'B')) {
      throw new Refusal(`no: ${name} is not changed: it is a ${t.type === 'R' ? 'Reboot' : 'Bosboot'} tunable; use -r`);
    }
    if (!rebootOnly && t.type === 'I' && value < t.current) {
      throw new Refusal(`no: ${name} is not changed: an Incremental tunable can only be increased; use -r`);
    }
    if (value < t.min || value > t.max) throw new Refusal(`no: Parameter ${name} is out of range`);
    for (const [low, high] of EPHEMERAL_PAIRS) {
      const pair = name === low || name === high;
      if (!pair) continue;
      const field = rebootOnly ? 'reboot' : 'current';
      const lo = name === low ? value : tunables[low][field];
      const hi = name === high ? value : tunables[high][field];
      if (lo > hi) throw new Refusal(`no: Dependency problem between parameter ${low} and ${high}`);
    }
    if (ctx.env.NO_DOUBLE_FAIL_ON === name) throw new Refusal(`no: cannot set ${name}: injected failure`);
    if (ctx.env.NO_DOUBLE_FAIL_AFTER !== undefined && ctx.writes() >= Number(ctx.env.NO_DOUBLE_FAIL_AFTER)) {
      throw new Refusal(`no: cannot set ${name}: injected failure after ${ctx.writes()} writes`);
    }
    if (!rebootOnly) t.current = value;
    if (persist || rebootOnly) t.reboot = value;
    ctx.countWrite();
    if (persist || rebootOnly) writeNextboot(tunables, ctx.dir);
    logStates(tunables, ctx.dir);
  };

  for (const [flag, arg] of actions) {
    if (flag === '-x') {
      const line = (n, t) =>
        `${n},${show(t, 'current')},${t.default},${show(t, 'reboot')},${t.min},${t.max},${t.unit},${t.type},` +
        `${(t.dependencies ?? []).map((d) => `${d} `).join('')}\n`;
      if (arg !== null) {
        out.push(line(arg, get(arg)));
        continue;
      }
      const entries = Object.entries(tunables);
      for (const [n, t] of entries) if (!t.restricted) out.push(line(n, t));
      if (force && entries.some(([, t]) => t.restricted)) {
        out.push('##Restricted tunables\n');
        for (const [n, t] of entries) if (t.restricted) out.push(line(n, t));
      }
    } else if (flag === '-a') {
      for (const [n, t] of Object.entries(tunables)) {
        if (force || !t.restricted) out.push(`${n.padStart(30)} = ${valueOf(t)}\n`);
      }
    } else if (flag === '-o') {
      const eq = arg.indexOf('=');
      if (eq < 0) {
        out.push(`${arg} = ${valueOf(get(arg))}\n`);
        continue;
      }
      const name = arg.slice(0, eq);
      const raw = arg.slice(eq + 1);
      get(name);
      if (!/^\d+$/.test(raw)) throw new Refusal(`no: ${raw} is not a valid value for ${name} (wording not documented by IBM)`);
      set(name, Number(raw));
    } else if (flag === '-d') {
      set(arg, get(arg).default);
    } else if (flag === '-D') {
      // Reset the low bounds before the high ones, so that the documented dependency is never broken on the way.
      const names = Object.keys(tunables).sort((a, b) => Number(a.endsWith('_high')) - Number(b.endsWith('_high')));
      for (const n of names) if (tunables[n].current !== tunables[n].default || persist) set(n, tunables[n].default);
    } else if (flag === '-h' || flag === '-L') {
      out.push(`${arg ?? 'no'}: help and -L listings are not emulated\n`);
    }
  }
}

const USAGE =
  'Usage: no [-p|-r] {-o tunable[=newvalue]}\n       no [-p|-r] {-d tunable}\n       no [-p|-r] -D\n' +
  '       no [-p|-r] [-F] -a\n       no -h [tunable]\n       no [-F] -L [tunable]\n       no [-F] -x [tunable]';

function writeNextboot(tunables, dir) {
  const lines = Object.entries(tunables)
    .filter(([, t]) => t.reboot !== t.default)
    .map(([n, t]) => `\t${n} = "${t.reboot}"\n`);
  writeFileSync(join(dir, 'nextboot'), `no:\n${lines.join('')}`);
}

/** One JSON line per applied write: the live (current) ephemeral pairs right after it. */
function logStates(tunables, dir) {
  const state = Object.fromEntries(
    EPHEMERAL_PAIRS.map(([low, high]) => [low.split('_')[0], [tunables[low]?.current, tunables[high]?.current]]),
  );
  appendFileSync(join(dir, 'states.log'), `${JSON.stringify(state)}\n`);
}

function readOr(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
