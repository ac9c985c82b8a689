/**
 * AIX backend: `tcp_ephemeral_low/high` and `udp_ephemeral_low/high` through `/usr/sbin/no`
 * (platform-facts.md §7). TCP and UDP have separate ranges. Reads use `no -x` (machine-readable, with the
 * min/max that validation uses); writes use one `no [-p] -o … -o …` whose assignments follow core's pair-write-plan.ts
 * (widen first, then narrow: no intermediate pair is inverted or one port wide), read back, and restore the
 * previous values if any step fails.
 */
import { release, version } from 'node:os';
import {
  type BackendInfo,
  type EphemeralPortsBackend,
  EphemeralPortsError,
  ErrorCodes,
  type KernelConstraints,
  type PersistOptions,
  type PortRange,
  type Protocol,
  type RangeChange,
  type RangeReading,
  type RawCapture,
  type ScopeOptions,
  assertValidRange,
  formatRange,
  rangeEquals,
  scopeProtocol,
  validateRange,
} from '@ephemeral-ports/core';
import { type NoRunner, createNoRunner } from './no-command.js';
import { AIX_EPHEMERAL_TUNABLES, type NoTunable, parseNoX } from './no-output.js';
import { AIX_NEXTBOOT, AIX_RC_TCPIP, predictAixBoot } from './effective-persist.js';
import { type PairBounds, planPairWrites } from '@ephemeral-ports/core';

export interface AixBackendOptions {
  /** Path of the `no` command. Default `/usr/sbin/no`. */
  noPath?: string;
  timeoutMs?: number;
  /** The boot files read to tell which line wins (effective-persist.ts); tests point them at a temporary root. */
  nextbootPath?: string;
  rcTcpipPath?: string;
  /** Records every `no` run (a support bundle); see core's raw-capture.ts. */
  capture?: RawCapture;
}

export interface AixBackend extends EphemeralPortsBackend {
  /** `no [-p] -d`: resets the protocol's range to the defaults (and, with persist, the next-boot values too). */
  resetRange(options?: ScopeOptions & { persist?: boolean }): Promise<RangeChange>;
}

interface PairState {
  low: NoTunable;
  high: NoTunable;
}

const NEXTBOOT = '/etc/tunables/nextboot';

export function createAixBackend(options: AixBackendOptions = {}): AixBackend {
  const no: NoRunner = createNoRunner(options.noPath, options.timeoutMs, options.capture);

  const protocolOf = (o?: ScopeOptions): Protocol => scopeProtocol(o, 'AIX');

  async function readPair(protocol: Protocol): Promise<PairState> {
    const names = AIX_EPHEMERAL_TUNABLES[protocol];
    const text = await no.run(['-x', names.low, '-x', names.high]);
    const byName = new Map(parseNoX(text, [names.low, names.high]).map((t) => [t.name, t]));
    const low = byName.get(names.low);
    const high = byName.get(names.high);
    if (!low || !high) {
      throw new EphemeralPortsError(ErrorCodes.PARSE, `no -x did not report ${names.low} and ${names.high}`);
    }
    return { low, high };
  }

  const currentOf = (s: PairState): PortRange => {
    if (s.low.current === null || s.high.current === null) {
      throw new EphemeralPortsError(
        ErrorCodes.UNSUPPORTED_OPERATION,
        `${s.low.name}/${s.high.name} report n/a: not supported on this system`,
      );
    }
    return { low: s.low.current, high: s.high.current };
  };
  const pairOf = (a: number | null, b: number | null): PortRange | null =>
    a === null || b === null ? null : { low: a, high: b };

  const constraintsOf = (s: PairState): KernelConstraints => ({
    tunableLimits: {
      low: { min: s.low.min ?? 1, max: s.low.max ?? 65535 },
      high: { min: s.high.min ?? 1, max: s.high.max ?? 65535 },
    },
  });

  /** What each end accepts, from `no -x` (the same limits validation used). */
  const boundsOf = (s: PairState): PairBounds => {
    const { low, high } = constraintsOf(s).tunableLimits!;
    return { first: low, last: high };
  };

  /**
   * `-o` arguments that take `from` to `to` in the order core's pair-write-plan.ts gives: no intermediate pair is inverted
   * or one port wide. With `everyBound`, the bounds the plan leaves alone are set too, after it (their live value
   * is already the target's, so the state does not move): `-p` then records both in nextboot. Without it only the
   * bounds that differ are written (a restore touches only what the failed change moved).
   */
  function orderedAssignments(
    protocol: Protocol,
    from: PortRange,
    to: PortRange,
    bounds: PairBounds,
    everyBound: boolean,
  ): string[] {
    const names = AIX_EPHEMERAL_TUNABLES[protocol];
    const plan = planPairWrites({ first: from.low, last: from.high }, { first: to.low, last: to.high }, bounds);
    const untouched = (['first', 'last'] as const).filter((end) => !plan.some((w) => w.end === end));
    const writes = [...plan, ...(everyBound ? untouched.map((end) => ({ end, value: end === 'first' ? to.low : to.high })) : [])];
    return writes.flatMap((w) => ['-o', `${w.end === 'first' ? names.low : names.high}=${w.value}`]);
  }

  /** Applies `to` (live, or live + next boot), reads back, and restores `from` if anything went wrong. */
  async function apply(
    protocol: Protocol,
    from: PortRange,
    to: PortRange,
    flags: string[],
    bounds: PairBounds,
  ): Promise<PortRange> {
    let failure: unknown;
    try {
      await no.run([...flags, ...orderedAssignments(protocol, from, to, bounds, flags.includes('-p'))]);
      const now = currentOf(await readPair(protocol));
      if (rangeEquals(now, to)) return now;
      failure = new EphemeralPortsError(
        ErrorCodes.READBACK_MISMATCH,
        `wrote ${formatRange(to)} for ${protocol} but no -x reads back ${formatRange(now)}`,
      );
    } catch (error) {
      failure = error;
    }
    await restore(protocol, from, to, flags, bounds, failure);
    throw failure; // restore() throws unless nothing had changed
  }

  async function restore(
    protocol: Protocol,
    from: PortRange,
    to: PortRange,
    flags: string[],
    bounds: PairBounds,
    failure: unknown,
  ) {
    let now: PortRange;
    try {
      now = currentOf(await readPair(protocol));
    } catch (readError) {
      throw rollbackFailed(protocol, from, failure, readError);
    }
    if (rangeEquals(now, from)) return; // nothing was applied: the original failure stands
    try {
      await no.run([...flags, ...orderedAssignments(protocol, now, from, bounds, false)]);
      const back = currentOf(await readPair(protocol));
      if (!rangeEquals(back, from)) throw new Error(`read back ${formatRange(back)} after restoring`);
    } catch (restoreError) {
      throw rollbackFailed(protocol, from, failure, restoreError);
    }
    throw new EphemeralPortsError(
      ErrorCodes.ROLLED_BACK,
      `setting the ${protocol} range to ${formatRange(to)} failed part-way (${messageOf(failure)}); ` +
        `restored ${formatRange(from)}`,
      { cause: failure, remedy: 'See the cause; nothing was left changed.' },
    );
  }

  function rollbackFailed(protocol: Protocol, from: PortRange, failure: unknown, cause: unknown) {
    return new EphemeralPortsError(
      ErrorCodes.ROLLBACK_FAILED,
      `setting the ${protocol} range failed (${messageOf(failure)}) and restoring ${formatRange(from)} failed too ` +
        `(${messageOf(cause)})`,
      {
        cause: failure,
        remedy: `Check with \`no -x ${AIX_EPHEMERAL_TUNABLES[protocol].low}\` and restore by hand: ` +
          `no -o ${AIX_EPHEMERAL_TUNABLES[protocol].low}=${from.low} -o ${AIX_EPHEMERAL_TUNABLES[protocol].high}=${from.high}`,
      },
    );
  }

  async function setWith(input: PortRange, o: ScopeOptions | undefined, flags: string[]): Promise<RangeChange> {
    const protocol = protocolOf(o);
    const state = await readPair(protocol);
    const constraints = constraintsOf(state);
    const next = assertValidRange('aix', input, constraints);
    const previous = currentOf(state);
    const boot = pairOf(state.low.reboot, state.high.reboot);
    const needsLive = !rangeEquals(previous, next);
    const needsBoot = flags.includes('-p') && !(boot && rangeEquals(boot, next));
    const current =
      needsLive || needsBoot ? await apply(protocol, previous, next, flags, boundsOf(state)) : previous;
    return {
      previous,
      current,
      protocol,
      source: `spawn:${no.path}`,
      warnings: validateRange('aix', next, constraints).warnings,
    };
  }

  // On another host (a double of `no`) the system's boot files are not the double's: the layout is not guessed.
  const knowsBoot = options.nextbootPath !== undefined || options.rcTcpipPath !== undefined || process.platform === 'aix';
  /** Which line wins at boot: nextboot (what `no -p` wrote, `reported` when the file cannot be read), then rc.tcpip. */
  async function bootPersistence(protocol: Protocol, reported: PortRange | null, writing?: string) {
    const { readFile } = await import('node:fs/promises');
    const read = (file: string) => readFile(file, 'utf8').catch(() => null);
    const nextboot = options.nextbootPath ?? AIX_NEXTBOOT;
    const rcTcpip = options.rcTcpipPath ?? AIX_RC_TCPIP;
    // While persisting, nextboot holds what `no -p` writes (on dry run: would write), whatever the file says now.
    const text = writing === undefined ? await read(nextboot) : null;
    return predictAixBoot({
      protocol,
      nextboot: { file: nextboot, text, ...(writing === undefined ? {} : { note: `${nextboot} holds what ${writing} writes` }) },
      rcTcpip: { file: rcTcpip, text: await read(rcTcpip) },
      reported,
      ours: reported,
    });
  }

  const readRange = async (o?: ScopeOptions): Promise<RangeReading> => {
    const protocol = protocolOf(o);
    const s = await readPair(protocol);
    return {
      range: currentOf(s),
      protocol,
      source: `spawn:${no.path} -x`,
      details: {
        tunables: [s.low.name, s.high.name],
        default: pairOf(s.low.default, s.high.default),
        nextBoot: pairOf(s.low.reboot, s.high.reboot),
        limits: constraintsOf(s).tunableLimits,
        type: s.low.type,
      },
    };
  };

  const unsupported = async (): Promise<never> => {
    throw new EphemeralPortsError(
      ErrorCodes.UNSUPPORTED_OPERATION,
      'AIX has no reserved-port list for automatic port assignment',
    );
  };

  return {
    os: 'aix',
    info(): BackendInfo {
      return {
        os: 'aix',
        release: `${version()} ${release()}`.trim(),
        implementation: `spawn:${no.path}`,
        separateProtocolRanges: true,
        supportsNetns: false,
        supportsReserved: false,
        supportsCensus: false,
      };
    },
    getRange: readRange,
    setRange: (range, o) => setWith(range, o, []),
    async getConstraints(o) {
      return constraintsOf(await readPair(protocolOf(o)));
    },
    getReserved: unsupported,
    setReserved: unsupported,
    async persistRange(input, o: PersistOptions = {}) {
      const protocol = protocolOf(o);
      const names = AIX_EPHEMERAL_TUNABLES[protocol];
      const state = await readPair(protocol);
      const next = assertValidRange('aix', input, constraintsOf(state));
      const command = `${no.path} -p -o ${names.low}=${next.low} -o ${names.high}=${next.high}`;
      const boot = pairOf(state.low.reboot, state.high.reboot);
      const before = boot ? `${names.low} = ${boot.low}\n${names.high} = ${boot.high}\n` : '';
      const after = `${names.low} = ${next.low}\n${names.high} = ${next.high}\n`;
      if (!o.dryRun) await setWith(next, { protocol }, ['-p']);
      return {
        target: `${NEXTBOOT} (${command}; also applies now)`,
        before,
        after,
        written: !o.dryRun,
        ...(knowsBoot ? { effective: await bootPersistence(protocol, next, command) } : {}),
      };
    },
    async getPersisted(o: PersistOptions = {}) {
      const s = await readPair(protocolOf(o));
      const range = pairOf(s.low.reboot, s.high.reboot);
      return { range, target: NEXTBOOT, ...(knowsBoot ? { effective: await bootPersistence(protocolOf(o), range) } : {}) };
    },
    async resetRange(o: ScopeOptions & { persist?: boolean } = {}) {
      const protocol = protocolOf(o);
      const names = AIX_EPHEMERAL_TUNABLES[protocol];
      const previous = currentOf(await readPair(protocol));
      await no.run([...(o.persist ? ['-p'] : []), '-d', names.low, '-d', names.high]);
      const current = currentOf(await readPair(protocol));
      return { previous, current, protocol, source: `spawn:${no.path}`, warnings: [] };
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
