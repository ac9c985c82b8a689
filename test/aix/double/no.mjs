/**
 * A test double of AIX's /usr/sbin/no (EMULATED — no AIX machine is available here). It implements the documented
 * behaviour (IBM Docs "no Command", "Common syntax for tuning commands"; platform-facts.md §7):
 *   -x [-x t]...        name,current,default,reboot,min,max,unit,type,dependencies
 *   -a [-p|-r]          padded "name = value"; with -p, NONE where current ≠ reboot; with -r, reboot values
 *   -o t                "t = value";   -o t=v  sets (Dynamic tunables apply now), several -o in order
 *   -p                  with -o/-d/-D: also the reboot value, written to the nextboot stanza file
 *   -r                  with -o/-d/-D: the reboot value only
 *   -d t / -D           reset one / all to default
 * Values outside min..max, unknown tunables and non-integers: message on stderr, exit 1, nothing further applied.
 * Setting needs root (uid 0; NO_DOUBLE_UID overrides for tests). Message texts are our own (IBM's exact wording
 * is unverified). Control for tests: state dir (tunables.json, nextboot, calls.log) from NO_DOUBLE_STATE;
 * NO_DOUBLE_FAIL_ON=<tunable> fails the write of that tunable; NO_DOUBLE_FAIL_AFTER=<n> fails every write after n.
 * Used through a generated wrapper executable (see no-double.ts), never shipped.
 */
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function main(argv, env) {
  const dir = env.NO_DOUBLE_STATE;
  const statePath = join(dir, 'tunables.json');
  const tunables = JSON.parse(readFileSync(statePath, 'utf8'));
  appendFileSync(join(dir, 'calls.log'), `${JSON.stringify(argv)}\n`);
  const uid = env.NO_DOUBLE_UID !== undefined ? Number(env.NO_DOUBLE_UID) : process.getuid();
  let writes = Number(readIfExists(join(dir, 'writes')) || 0);
  const out = [];
  const fail = (message) => {
    save();
    process.stdout.write(out.join(''));
    process.stderr.write(`no: ${message}\n`);
    process.exit(1);
  };
  const save = () => {
    writeFileSync(`${statePath}.tmp`, JSON.stringify(tunables, null, 2));
    renameSync(`${statePath}.tmp`, statePath);
    writeFileSync(join(dir, 'writes'), String(writes));
  };
  const get = (name) => tunables[name] ?? fail(`0402-xxx ${name} is not a valid tunable name`);

  let persist = false;
  let rebootOnly = false;
  const actions = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-p') persist = true;
    else if (a === '-r') rebootOnly = true;
    else if (a === '-F') continue;
    else if (a === '-a' || a === '-D') actions.push([a]);
    else if (a === '-x' || a === '-o' || a === '-d') {
      const next = argv[i + 1];
      if (a === '-x' && (next === undefined || next.startsWith('-'))) actions.push(['-x', null]);
      else if (next === undefined) fail(`option ${a} requires an argument`);
      else actions.push([a, argv[++i]]);
    } else fail(`unknown option ${a}\nUsage: no [-p|-r] {-o tunable[=newvalue]} | {-d tunable} | -D | -a | -x [tunable]`);
  }
  if (persist && rebootOnly) fail('the -p and -r flags are mutually exclusive');

  const write = (name, value) => {
    const t = get(name);
    if (uid !== 0) fail(`Setting ${name} is not permitted: you must be root`);
    if (env.NO_DOUBLE_FAIL_ON === name) fail(`cannot set ${name}: injected failure`);
    if (env.NO_DOUBLE_FAIL_AFTER !== undefined && writes >= Number(env.NO_DOUBLE_FAIL_AFTER)) {
      fail(`cannot set ${name}: injected failure after ${writes} writes`);
    }
    if (!rebootOnly) t.current = value;
    if (persist || rebootOnly) t.reboot = value;
    writes++;
    if (persist || rebootOnly) writeNextboot();
  };
  const writeNextboot = () => {
    const lines = Object.entries(tunables)
      .filter(([, t]) => t.reboot !== t.default)
      .map(([n, t]) => `\t${n} = "${t.reboot}"\n`);
    writeFileSync(join(dir, 'nextboot'), `no:\n${lines.join('')}`);
  };
  const line = (n, t) => `${n},${t.current},${t.default},${t.reboot},${t.min},${t.max},${t.unit},${t.type},\n`;

  for (const [flag, arg] of actions) {
    if (flag === '-x') {
      for (const [n, t] of Object.entries(tunables)) if (arg === null || arg === n) out.push(line(n, t));
      if (arg !== null) get(arg);
    } else if (flag === '-a') {
      for (const [n, t] of Object.entries(tunables)) {
        const v = rebootOnly ? t.reboot : persist ? (t.current === t.reboot ? t.current : 'NONE') : t.current;
        out.push(`${n.padStart(30)} = ${v}\n`);
      }
    } else if (flag === '-o') {
      const eq = arg.indexOf('=');
      if (eq < 0) {
        const t = get(arg);
        out.push(`${arg} = ${rebootOnly ? t.reboot : t.current}\n`);
        continue;
      }
      const name = arg.slice(0, eq);
      const raw = arg.slice(eq + 1);
      const t = get(name);
      if (!/^\d+$/.test(raw)) fail(`${raw} is not a valid numeric value for ${name}`);
      const value = Number(raw);
      if (value < t.min || value > t.max) {
        fail(`Value ${value} for ${name} is out of range; it must be between ${t.min} and ${t.max}`);
      }
      if (t.type !== 'D' && !rebootOnly) fail(`${name} is not a dynamic tunable; use -r`);
      write(name, value);
    } else if (flag === '-d') {
      write(arg, get(arg).default);
    } else if (flag === '-D') {
      for (const [n, t] of Object.entries(tunables)) write(n, t.default);
    }
  }
  save();
  process.stdout.write(out.join(''));
}

function readIfExists(path) {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}
