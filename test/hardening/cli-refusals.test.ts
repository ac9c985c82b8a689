/**
 * CLI inputs an attacker (or a typo in an ops script) would try, run in this process against core's memory
 * backend: an empty reserved list, prototype keys as emit targets, a newline in an emitted path, an address this
 * host does not have.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePortListArgument } from '@ephemeral-ports/core';
import { createMemoryBackend, getBackend, useBackend } from 'ephemeral-ports/testing';
import { runInProcess } from './fixtures/in-process-cli.js';

const RESERVED = '8080,9000-9100';

describe('CLI refusals', () => {
  beforeEach(() => useBackend(createMemoryBackend({ os: 'linux', reserved: parsePortListArgument(RESERVED) })));
  afterEach(() => useBackend(undefined));
  const reserved = async () => (await getBackend().getReserved()).ports.toString();

  it.each([[''], [' '], [','], [' , ,'], ['', '']])('reserved set %j is refused (exit 2): the list is unchanged', async (...words) => {
    const run = await runInProcess(['reserved', 'set', ...words]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/ERR_EPHEMERAL_USAGE.*no entries/);
    expect(run.stderr).toMatch(/reserved set --clear/);
    expect(await reserved()).toBe(RESERVED);
  });

  it('words typed with a comma and a space (reserved add 8080, 9000) are one list; an empty entry inside one word is refused', async () => {
    expect((await runInProcess(['reserved', 'add', '7000,', '7001'])).code).toBe(0);
    expect(await reserved()).toBe(`7000-7001,${RESERVED}`);
    const typo = await runInProcess(['reserved', 'add', '7002,,7003']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/ERR_EPHEMERAL_INVALID_PORT_LIST.*an entry is empty/);
    expect(await reserved()).toBe(`7000-7001,${RESERVED}`);
  });

  it('reserved set --clear (and the explicit word none) clear the list; --clear with a list is refused', async () => {
    expect((await runInProcess(['reserved', 'set', '--clear', '80'])).code).toBe(2);
    expect((await runInProcess(['reserved', 'add', '--clear'])).code).toBe(2);
    expect(await reserved()).toBe(RESERVED);
    expect((await runInProcess(['reserved', 'set', '--clear', '--dry-run'])).code).toBe(0);
    expect(await reserved()).toBe(RESERVED);
    expect((await runInProcess(['reserved', 'set', '--clear'])).code).toBe(0);
    expect(await reserved()).toBe('');
    expect((await runInProcess(['reserved', 'set', RESERVED])).code).toBe(0);
    expect((await runInProcess(['reserved', 'set', 'none'])).code).toBe(0);
    expect(await reserved()).toBe('');
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])(
    'emit %s is an unknown target (no lookup through the prototype)',
    async (name) => {
      const run = await runInProcess(['emit', name, '49152-65535']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/ERR_EPHEMERAL_USAGE.*unknown target/);
      expect(run.stdout).toBe('');
    },
  );

  it.each([
    ['sysctl', '/etc/sysctl.d/x.conf\nkernel.core_pattern=|/tmp/evil'],
    ['ansible', '/etc/sysctl.d/x.conf\n  - name: evil'],
    ['sysctl', '/etc/sysctl.d/x.conf\rkernel.modprobe=/tmp/evil'],
  ])('emit %s --file with a line break is refused; nothing is printed', async (target, file) => {
    const run = await runInProcess(['emit', target, '49152-65535', '--file', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/ERR_INVALID_ARG_VALUE/);
    expect(run.stdout).toBe('');
  });

  it('explain --host 8.8.8.8 says the address is not local (blocked), with and without the bind probe', async () => {
    for (const extra of [[], ['--no-probe']]) {
      const run = await runInProcess(['explain', '8080', '--host', '8.8.8.8', '--json', ...extra]);
      expect(run.code, run.stderr).toBe(0);
      const [result] = JSON.parse(run.stdout) as Array<{ verdict: string; findings: Array<{ code: string; severity: string }> }>;
      expect(result!.verdict).toBe('blocked');
      expect(result!.findings).toContainEqual(expect.objectContaining({ code: 'ADDRESS_NOT_LOCAL', severity: 'error' }));
    }
    const local = await runInProcess(['explain', '8080', '--host', '127.0.0.1', '--json', '--no-probe']);
    expect(JSON.parse(local.stdout)[0].findings.map((f: { code: string }) => f.code)).not.toContain('ADDRESS_NOT_LOCAL');
  });
});
