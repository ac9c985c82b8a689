/**
 * persistFindings() and statusOf() over boot predictions as a backend returns them: whether our file's line is the
 * one that sets the range at boot (wins), and findings that never contradict themselves.
 */
import { describe, expect, it } from 'vitest';
import type { BootPersistence, PersistedLine } from '@ephemeral-ports/core';
import { PersistCodes, persistDoctorFindings, persistFindings, persistWarnings, statusOf } from './persist-status.js';

const OURS = '/etc/sysctl.d/90-ephemeral-ports.conf';
const OTHER = '/etc/sysctl.d/95-other.conf';
const mine = { low: 40000, high: 50001 };
const at = (file: string, line: number, value: string | null = '40000 50001'): PersistedLine => ({ file, line, key: 'net.ipv4.ip_local_port_range', value });
const boot = (over: Partial<BootPersistence>): BootPersistence => ({
  range: mine,
  winners: [at(OURS, 3)],
  overrides: [],
  targetRead: true,
  order: [OURS, OTHER],
  rule: 'systemd-sysctl',
  fixes: [],
  notes: [],
  ...over,
});

describe('persist status: wins and findings', () => {
  it('our line sets the range: wins, no finding', () => {
    const s = statusOf('linux', 'tcp', { range: mine, target: OURS, effective: boot({}) });
    expect(s).toMatchObject({ wins: true, nextBoot: mine, findings: [] });
  });

  it('a later file sets the same value: our range applies but our line does not decide (wins false, PERSIST_SHADOWED info)', () => {
    const s = statusOf('linux', 'tcp', { range: mine, target: OURS, effective: boot({ winners: [at(OTHER, 1, '40000  50001')] }) });
    expect(s.wins).toBe(false);
    expect(s.nextBoot).toEqual(mine);
    expect(s.findings).toEqual([
      {
        code: PersistCodes.SHADOWED,
        severity: 'info',
        message: `${OTHER} line 1 (net.ipv4.ip_local_port_range = 40000  50001) sets the same range after ${OURS}: the next boot applies 40000-50001 from that line; ours is redundant, and a change to it alone would not apply at boot.`,
      },
    ]);
    expect(persistWarnings(s.findings)).toEqual([]);
    expect(persistDoctorFindings(s).map((f) => f.severity)).toEqual(['info']);
  });

  it('a target named otherwise than its file (AIX: "nextboot (no -p …)") is judged by the overrides alone', () => {
    const target = '/etc/tunables/nextboot (no -p; also applies now)';
    const effective = boot({ order: ['/etc/tunables/nextboot'], winners: [at('/etc/tunables/nextboot', 4, '40000'), at('/etc/tunables/nextboot', 5, '50001')] });
    expect(statusOf('aix', 'tcp', { range: mine, target, effective })).toMatchObject({ wins: true, findings: [] });
  });

  it('ours is not read but another file sets the same value: no "X, not X"; it names where the range comes from', () => {
    const target = '/work/relative.conf';
    const [f] = persistFindings(target, mine, boot({ targetRead: false, winners: [at(OTHER, 1)], notes: [`the boot does not read ${target}: …`] }));
    expect(f!.code).toBe(PersistCodes.NOT_READ_AT_BOOT);
    expect(f!.message).not.toMatch(/40000-50001, not 40000-50001/);
    expect(f!.message).toContain(`applies 40000-50001 all the same, but from ${OTHER} line 1`);
  });

  it('ours is not read and nothing else sets it: the outcome is the kernel default, and why', () => {
    const [f] = persistFindings('/etc/sysctl.d/x.txt', mine, boot({
      targetRead: false,
      range: null,
      defaultWhy: 'nothing sets net.ipv4.ip_local_port_range',
      winners: [],
      notes: ['the boot does not read /etc/sysctl.d/x.txt: systemd-sysctl reads only *.conf files (sysctl.d(5))', 'nothing sets net.ipv4.ip_local_port_range: the kernel default stays'],
    }));
    expect(f!.message).toBe(
      'the boot does not read /etc/sysctl.d/x.txt: systemd-sysctl reads only *.conf files (sysctl.d(5)); the next boot applies the kernel default (nothing sets net.ipv4.ip_local_port_range), not 40000-50001.',
    );
  });

  it('a later file sets another value: PERSIST_OVERRIDDEN, a warning', () => {
    const s = statusOf('linux', 'tcp', { range: mine, target: OURS, effective: boot({ range: { low: 1024, high: 65000 }, winners: [at(OTHER, 1, '1024 65000')], overrides: [at(OTHER, 1, '1024 65000')] }) });
    expect(s.wins).toBe(false);
    expect(persistWarnings(s.findings).map((f) => f.code)).toEqual([PersistCodes.OVERRIDDEN]);
  });
});
