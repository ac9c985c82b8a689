import { describe, expect, it } from 'vitest';
import { EphemeralPortsError, ErrorCodes, invalidArgValue } from '@ephemeral-ports/core';
import type { CliContext } from './command.js';
import { exitCodeFor, reportError } from './exit.js';

function context(json = false): { ctx: CliContext; err: () => string } {
  let text = '';
  const sink = { write: (s: string) => (text += s) };
  const ctx: CliContext = { stdout: sink, stderr: sink, json, color: false, isTTY: false, env: {}, program: 'ephport' };
  return { ctx, err: () => text };
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe('reportError', () => {
  it('prints a remedy once when the message already ends with it (the backends\' `what failed; what to do`)', () => {
    const remedy = 'run as root or with CAP_NET_ADMIN';
    const { ctx, err } = context();
    const error = new EphemeralPortsError('EACCES', `open /proc/sys/net/ipv4/ip_local_port_range: permission denied; ${remedy}`, {
      errno: 13,
      remedy,
    });
    expect(reportError(error, ctx)).toBe(77);
    expect(count(err(), remedy)).toBe(1);
    expect(err()).not.toContain('remedy:');
  });

  it('prints the remedy line when the message does not carry it, and strips it from a cause that does', () => {
    const remedy = 'run as root';
    const cause = new EphemeralPortsError('EACCES', `write /etc/sysctl.d/x.conf: permission denied; ${remedy}`, { remedy });
    const error = new EphemeralPortsError('EACCES', 'persisting failed; the live range was restored to 32768-60999', {
      remedy,
      cause,
    });
    const { ctx, err } = context();
    reportError(error, ctx);
    expect(err()).toContain(`  remedy: ${remedy}\n`);
    expect(err()).toContain('  cause: write /etc/sysctl.d/x.conf: permission denied\n');
    expect(count(err(), remedy)).toBe(1);
  });

  it('leaves out a cause the message already says', () => {
    const cause = new Error('CreatePersistentTcpPortReservation failed: ERROR_ACCESS_DENIED (5)');
    const error = new EphemeralPortsError('EACCES', `${cause.message}; run from an elevated prompt`, {
      remedy: 'run from an elevated prompt',
      winCode: 'ERROR_ACCESS_DENIED',
      cause,
    });
    const { ctx, err } = context();
    expect(reportError(error, ctx)).toBe(77);
    expect(err()).toBe(`error [EACCES]: ${error.message}\n`);
  });

  it('points usage errors at --help, and writes one JSON document with --json', () => {
    const usage = context();
    expect(reportError(new EphemeralPortsError(ErrorCodes.USAGE, 'unknown option --x'), usage.ctx)).toBe(2);
    expect(usage.err()).toContain('run "ephport --help"');
    const json = context(true);
    expect(reportError(invalidArgValue('range', 'x', 'is not two port numbers'), json.ctx)).toBe(2);
    expect(JSON.parse(json.err())).toEqual({
      error: { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('"range"') },
      exitCode: 2,
    });
  });
});

describe('exitCodeFor', () => {
  it.each([
    [ErrorCodes.ARG_TYPE, 2],
    [ErrorCodes.ARG_VALUE, 2],
    [ErrorCodes.OUT_OF_RANGE, 2],
    [ErrorCodes.USAGE, 2],
    [ErrorCodes.INVALID_RANGE, 2],
    [ErrorCodes.INVALID_PORT_LIST, 2],
    [ErrorCodes.UNSAFE_CHANGE, 3],
    [ErrorCodes.UNSUPPORTED_OPERATION, 4],
    ['EACCES', 77],
    ['EPERM', 77],
    ['EROFS', 77],
    ['EINVAL', 1],
    [ErrorCodes.COMMAND_FAILED, 1],
  ])('%s → %i', (code, exit) => {
    expect(exitCodeFor({ code })).toBe(exit);
  });
});
