/**
 * The `no` double itself (EMULATED AIX): each rule it encodes, with the IBM page it comes from (see double/no.mjs).
 * These keep the double honest; the backend tests rely on it.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { type NoDouble, createNoDouble } from './double/no-double.js';

const doubles: NoDouble[] = [];
afterEach(() => {
  for (const d of doubles.splice(0)) d.cleanup();
});
function no(args: string[], options: Parameters<typeof createNoDouble>[0] = {}) {
  const double = createNoDouble(options);
  doubles.push(double);
  const run = (a: string[]) => {
    const r = spawnSync(double.path, a, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  return { double, run, first: run(args) };
}

describe('no double: IBM "Common syntax for tuning commands" (emulated)', () => {
  it('-x prints name,current,default,reboot,min,max,unit,type,dependencies; restricted only with -F', () => {
    const { first, run } = no(['-x']);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('tcp_ephemeral_low,32768,32768,32768,1024,65535,numeric,D,tcp_ephemeral_high \n');
    expect(first.stdout).not.toContain('tcp_fastlo');
    const forced = run(['-F', '-x']).stdout;
    expect(forced).toMatch(/##Restricted tunables\ntcp_fastlo,0,0,0,0,1,boolean,D,tcp_fastlo_crosswpar \n$/);
  });

  it('-a prints padded "name = value"; n/a for an unsupported tunable; -p shows NONE where current ≠ reboot', () => {
    const { first, run } = no(['-a'], { tunables: { udp_ephemeral_low: { current: 40000, reboot: 41000 } } });
    expect(first.stdout).toContain('             tcp_ephemeral_low = 32768\n');
    expect(first.stdout).toContain('             ipsrcrouteforward = n/a\n');
    expect(run(['-p', '-a']).stdout).toContain('udp_ephemeral_low = NONE\n');
    expect(run(['-r', '-o', 'udp_ephemeral_low']).stdout).toBe('udp_ephemeral_low = 41000\n');
  });

  it('-o t=v out of min..max: "Parameter t is out of range", exit 1, nothing changed', () => {
    const { first, double } = no(['-o', 'tcp_ephemeral_low=80']);
    expect(first.status).toBe(1);
    expect(first.stderr).toBe('no: Parameter tcp_ephemeral_low is out of range\n');
    expect(double.state().tcp_ephemeral_low!.current).toBe(32768);
  });

  it('an assignment that would invert the pair is a dependency problem; earlier assignments stay applied', () => {
    const { first, double } = no(['-o', 'tcp_ephemeral_high=50000', '-o', 'tcp_ephemeral_low=60000']);
    expect(first.status).toBe(1);
    expect(first.stderr).toBe('no: Dependency problem between parameter tcp_ephemeral_low and tcp_ephemeral_high\n');
    expect(double.state().tcp_ephemeral_high!.current).toBe(50000);
    expect(double.state().tcp_ephemeral_low!.current).toBe(32768);
    expect(double.states()).toEqual([{ tcp: [32768, 50000], udp: [32768, 65535] }]);
  });

  it('a Reboot tunable is not changed without -r, refuses -p, and takes -r (nextboot only)', () => {
    const { first, run, double } = no(['-o', 'ipqmaxlen=200']);
    expect(first.status).toBe(1);
    expect(first.stderr).toMatch(/ipqmaxlen is not changed: it is a Reboot tunable; use -r/);
    expect(run(['-p', '-o', 'ipqmaxlen=200']).stderr).toMatch(/-p cannot be used with ipqmaxlen/);
    expect(run(['-r', '-o', 'ipqmaxlen=200']).status).toBe(0);
    expect(double.state().ipqmaxlen).toMatchObject({ current: 100, reboot: 200 });
    expect(double.nextboot()).toBe('no:\n\tipqmaxlen = "200"\n');
  });

  it('-p and -r together, an unknown flag, a missing argument: usage and exit 1', () => {
    const { first, run } = no(['-p', '-r', '-o', 'tcp_ephemeral_low=40000']);
    expect(first.status).toBe(1);
    expect(first.stderr).toMatch(/cannot be used together\nUsage: no/);
    expect(run(['-q']).stderr).toMatch(/unknown option -q/);
    expect(run(['-o']).stderr).toMatch(/-o requires an argument/);
  });

  it('changing a value needs root: refused without it, nothing changed', () => {
    const { first, double } = no(['-o', 'tcp_ephemeral_low=40000'], { env: { NO_DOUBLE_UID: '1000' } });
    expect(first.status).toBe(1);
    expect(first.stderr).toMatch(/requires root authority/);
    expect(double.state().tcp_ephemeral_low!.current).toBe(32768);
  });
});
