/**
 * The allocation loop shared by getFreePort, reservePorts, checkPort and get-port's drop-in: candidates (preferred
 * ports first, then core's pool in random or ascending order) → lock → bind probe. Locking comes before probing, so
 * two callers can never both pass the probe for the same port (get-port #72's race); a port that fails the probe is
 * unlocked at once.
 */
import { isIP } from 'node:net';
import { constants } from 'node:os';
import type * as Core from '@ephemeral-ports/core';
import {
  type Diagnostic,
  EphemeralPortsError,
  ErrorCodes,
  type PortFacts,
  type PortRange,
  PortSet,
  type Protocol,
  formatRange,
} from './from-core.js';
import { type KernelAvoidFacts, kernelAvoidNow, readKernelAvoid } from './avoid.js';
import type { NormalizedOptions, PortRejection, PreferredNotice, RejectReason } from './options.js';
import { takeLockNotices } from './lock-notices.js';
import { type HeldLock, type LockRefusal, tryLockPort } from './port-lock.js';
import { type ProbeOutcome, type ProbeReport, probePort } from './probe.js';
import * as registry from './registry.js';

/**
 * What was avoided, and how it was learned: core's PortFacts as the search used them. Each range's `source` is where
 * it was read (`js:procfs`, `native:procfs`...), or `default` when it could not be; `privilegedBelow` is 0 when
 * privileged ports were not avoided.
 */
export interface AvoidSummary extends Omit<PortFacts, 'reserved'> {
  /** Reserved/excluded ports avoided, e.g. `8000-8010,9000`. */
  reserved: string;
}

/** One allocated port with the evidence. */
export interface FreePortResult {
  port: number;
  protocols: Protocol[];
  /** True for `hold` (locked until released); false for a lease of `leaseMs`. */
  held: boolean;
  leaseMs: number;
  /** The binds that proved it free. */
  probes: ProbeOutcome[];
  avoided: AvoidSummary;
  /** Fallbacks taken while reading the kernel (e.g. `RANGE_NOT_READ`: core's default range was avoided instead). */
  warnings: Diagnostic[];
}

export interface Plan {
  n: NormalizedOptions;
  facts: KernelAvoidFacts;
  /** Everything the pool leaves out (besides privileged ports). */
  avoidSet: PortSet;
  /** The ports the search may return: `range` minus avoidSet minus the ports below privilegedBelow (core's candidatePool). */
  pool: PortSet;
  privilegedBelow: number;
  summary: AvoidSummary;
}

/** Plans per kernel reading, for the common options (no exclude, no avoid.ports): a burst of calls builds one. */
const planCache = new WeakMap<KernelAvoidFacts, Map<string, Omit<Plan, 'n'>>>();

function planKey(n: NormalizedOptions): string | undefined {
  if (!n.exclude.isEmpty || !n.avoid.ports.isEmpty) return undefined;
  const r = n.range;
  return `${+n.avoid.ephemeral}${+n.avoid.reserved}${+n.avoid.privileged}${r ? `${r.low}-${r.high}` : ''}`;
}

/**
 * A host name is looked up once per call, and its address bound from then on (Node's `listen` would look the name
 * up again for every bind). Lookup failures are reported as the resolver's error (`ENOTFOUND`...).
 */
async function resolveHost(n: NormalizedOptions, host: string): Promise<NormalizedOptions> {
  const { lookup } = await import('node:dns/promises');
  try {
    const { address } = await lookup(host);
    return { ...n, plan: { ...n.plan, addresses: [address] } };
  } catch (cause) {
    const e = cause as NodeJS.ErrnoException;
    throw new EphemeralPortsError(typeof e.code === 'string' ? e.code : 'ENOTFOUND', `could not resolve host ${JSON.stringify(host)}: ${e.message}`, {
      ...(typeof e.errno === 'number' ? { errno: e.errno } : {}),
      syscall: e.syscall ?? 'getaddrinfo',
      cause,
      remedy: 'pass an IP address of this machine as host, or a name that resolves to one (e.g. localhost)',
    });
  }
}

/**
 * Reads the kernel facts (cached) and combines them with the caller's options. Synchronous when nothing needs
 * waiting for (no host name to look up, kernel facts read within their TTL): a burst of calls never waits.
 */
export function makePlan(options: NormalizedOptions): Plan | Promise<Plan> {
  const host = options.host;
  if (host !== undefined && isIP(host) === 0) {
    return resolveHost(options, host).then(async (n) => planWith(n, await readKernelAvoid(n.protocols)));
  }
  const facts = kernelAvoidNow(options.protocols);
  return facts instanceof Promise ? facts.then((f) => planWith(options, f)) : planWith(options, facts);
}

/** The last plan made: a burst of calls with the same (cached) options reuses it as is. */
let lastPlan: Plan | undefined;

function planWith(n: NormalizedOptions, facts: KernelAvoidFacts): Plan {
  if (lastPlan !== undefined && lastPlan.n === n && lastPlan.facts === facts) return lastPlan;
  lastPlan = planFor(n, facts);
  return lastPlan;
}

function planFor(n: NormalizedOptions, facts: KernelAvoidFacts): Plan {
  const key = planKey(n);
  const cached = key === undefined ? undefined : planCache.get(facts)?.get(key);
  if (cached) return { ...cached, n };
  let avoidSet = n.exclude.union(n.avoid.ports);
  if (n.avoid.ephemeral) for (const e of facts.ephemeral) avoidSet = avoidSet.union(e.range);
  if (n.avoid.reserved) avoidSet = avoidSet.union(facts.reserved);
  const privilegedBelow = n.avoid.privileged ? facts.privilegedBelow : 0;
  const plan: Omit<Plan, 'n'> = {
    facts,
    avoidSet,
    privilegedBelow,
    pool: poolOf(n.range, avoidSet, privilegedBelow),
    summary: {
      ephemeral: n.avoid.ephemeral ? facts.ephemeral : [],
      reserved: n.avoid.reserved ? facts.reserved.toString() : '',
      reservedKind: n.avoid.reserved ? facts.reservedKind : 'none',
      privilegedBelow,
    },
  };
  if (key !== undefined) {
    let byKey = planCache.get(facts);
    if (!byKey) planCache.set(facts, (byKey = new Map()));
    byKey.set(key, plan);
  }
  return { ...plan, n };
}

/** Where the search looks when the caller gives no `range` (the documented default of the `range` option). */
const DEFAULT_SEARCH: PortRange = Object.freeze({ low: 1024, high: 65_535 });

/**
 * The pool that core's candidatePool / candidatePorts compute for the same arguments, in plain set algebra: the
 * first call needs only this, not core's allocation planning (loaded when the full permutation is needed).
 */
function poolOf(range: PortRange | undefined, avoid: PortSet, privilegedBelow: number): PortSet {
  const pool = PortSet.of(range ?? DEFAULT_SEARCH).subtract(avoid);
  return privilegedBelow > 0 ? pool.subtract({ low: 0, high: privilegedBelow - 1 }) : pool;
}

/** The reason a port is refused without touching a socket, or null. */
export function staticReason(plan: Plan, port: number): PortRejection | null {
  const { n, facts } = plan;
  const no = (reason: RejectReason, message: string): PortRejection => ({ port, reason, message });
  if (n.exclude.has(port)) return no('excluded', `${port} is in the exclude list`);
  if (n.avoid.ports.has(port)) return no('avoided', `${port} is in avoid.ports`);
  if (port < plan.privilegedBelow) return no('privileged', `${port} is below the privileged boundary ${plan.privilegedBelow}`);
  if (n.avoid.reserved && facts.reserved.has(port)) {
    return facts.reservedKind === 'excluded'
      ? no('excluded-range', `${port} is in a Windows excluded port range; binding it gives EACCES`)
      : no('reserved', `${port} is in ip_local_reserved_ports`);
  }
  if (n.avoid.ephemeral) {
    for (const e of facts.ephemeral) {
      if (port >= e.range.low && port <= e.range.high) {
        return no('ephemeral', `${port} is inside the ${e.protocol} ephemeral range ${formatRange(e.range)} (${e.source})`);
      }
    }
  }
  return null;
}

function probeRejection(port: number, outcomes: ProbeOutcome[]): PortRejection {
  const last = outcomes[outcomes.length - 1];
  if (!last || last.result === 'bound' || last.result === 'skipped') {
    return { port, reason: 'error', message: `${port}: no address of this machine accepted a bind (every family absent?)` };
  }
  const code = last.code ?? 'UNKNOWN';
  const reason: RejectReason = code === 'EADDRINUSE' ? 'in-use' : code === 'EACCES' || code === 'EPERM' ? 'forbidden' : 'error';
  return {
    port,
    reason,
    protocol: last.protocol,
    address: last.address,
    code,
    message: `${last.protocol} bind on ${last.address.includes(':') ? `[${last.address}]` : last.address}:${port} failed with ${code}`,
  };
}

/** Probe results that say the address itself cannot be bound here (not that the port is taken). */
const NO_SUCH_ADDRESS: ReadonlySet<string> = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EPROTONOSUPPORT', 'EINVAL']);

/**
 * A caller's `host` that no socket can bind here fails the call at once: every other port would fail the same way,
 * and trying them all would take minutes. get-port rejects with the bind's error in the same situation.
 */
function hostNotLocal(host: string, port: number, outcome: ProbeOutcome): EphemeralPortsError | undefined {
  const code = outcome.code;
  if (outcome.result !== 'skipped' || code === undefined || !NO_SUCH_ADDRESS.has(code)) return undefined;
  const errno = (constants.errno as Record<string, number | undefined>)[code];
  const shown = outcome.address === host ? host : `${host} (${outcome.address})`;
  return new EphemeralPortsError(code, `cannot bind ${shown} port ${port}: ${code} (${outcome.address} is not an address of this machine)`, {
    ...(errno === undefined ? {} : { errno }),
    syscall: 'bind',
    remedy: 'pass an address of this machine as host (see os.networkInterfaces(), or 127.0.0.1 / ::1), or leave host out to check every local address',
  });
}

export type CandidateOutcome = { lock: HeldLock; probes: ProbeOutcome[] } | { rejection: PortRejection };

/**
 * Tries one candidate: lock, then probe. Gives the lock and the probes, or the rejection; synchronously when the lock
 * and every bind completed at once (the common case on Linux), else as a promise.
 */
export function tryCandidate(plan: Plan, port: number): CandidateOutcome | Promise<CandidateOutcome> {
  if (registry.isOwned(port)) {
    return { rejection: { port, reason: 'locked', message: `${port} is held or leased by this process` } };
  }
  const lock = tryLockPort(port);
  return lock instanceof Promise ? lock.then((l) => probeLocked(plan, port, l)) : probeLocked(plan, port, lock);
}

function probeLocked(plan: Plan, port: number, lock: HeldLock | LockRefusal): CandidateOutcome | Promise<CandidateOutcome> {
  if (!('release' in lock)) {
    const rejection: PortRejection =
      lock.code === 'EADDRINUSE'
        ? { port, reason: 'locked', message: `${port} is held or leased by another process` }
        : { port, reason: 'error', code: lock.code, message: `could not take the lock of ${port}: ${lock.code}` };
    return { rejection };
  }
  const report = probePort(port, plan.n.protocols, plan.n.plan);
  return report instanceof Promise ? report.then((r) => judge(plan, lock, r)) : judge(plan, lock, report);
}

function judge(plan: Plan, lock: HeldLock, report: ProbeReport): CandidateOutcome {
  if (report.free) return { lock, probes: report.outcomes };
  lock.release();
  const refusedHost = plan.n.host === undefined ? undefined : hostNotLocal(plan.n.host, report.port, report.outcomes[report.outcomes.length - 1]!);
  if (refusedHost) throw refusedHost;
  return { rejection: probeRejection(report.port, report.outcomes) };
}

/** A uniformly random port of `pool` (which must not be empty). */
function randomPortOf(pool: PortSet): number {
  let i = Math.floor(Math.random() * pool.size);
  for (const r of pool.ranges) {
    const size = r.high - r.low + 1;
    if (i < size) return r.low + i;
    i -= size;
  }
  /* c8 ignore next */
  return pool.ranges[0]!.low;
}

/** Random picks tried before building core's full permutation: the first pick is almost always free. */
const QUICK_PICKS = 3;

/**
 * Core's full entry, for its allocation planning (the seeded permutation of the pool): loaded the first time a search
 * gets past the preferred ports and the quick picks, so the common call never compiles it.
 */
let planning: typeof Core | undefined;

/** What {@link candidates} yields when it needs {@link planning} loaded before it can go on. */
const NEEDS_PLANNING = { port: -1, preferred: false } as const;

function* candidates(plan: Plan, tried: Set<number>): Generator<{ port: number; preferred: boolean }> {
  const { n, pool } = plan;
  if (n.preferred) {
    for (const port of n.preferred) {
      if (tried.has(port)) continue;
      tried.add(port);
      yield { port, preferred: true };
    }
  }
  if (n.order === 'random' && n.seed === undefined && pool.size > 0) {
    for (let i = 0; i < QUICK_PICKS; i++) {
      const port = randomPortOf(pool);
      if (tried.has(port)) continue;
      tried.add(port);
      yield { port, preferred: false };
    }
  }
  // Every pool port exactly once (core's seeded permutation, or ascending), minus those already tried.
  if (!planning) yield NEEDS_PLANNING;
  const all = planning!.candidatePorts({
    ...(n.range === undefined ? {} : { within: n.range }),
    // Core's own PortSet: the `import` build of get-port bundles a copy of core's model, whose PortSet core's full
    // entry (a package of its own) does not accept as one.
    avoid: planning!.PortSet.fromRanges(plan.avoidSet.ranges),
    privilegedBelow: plan.privilegedBelow,
    order: n.order,
    // Math.random is plenty for spreading processes over the pool, and much cheaper than core's crypto seed.
    seed: n.seed ?? (Math.random() * 0x1_0000_0000) >>> 0,
  });
  for (const port of all) if (!tried.has(port)) yield { port, preferred: false };
}

/** Records a port this process now owns (a hold or a lease, per the options) and describes it. */
function take(plan: Plan, port: number, outcome: { lock: HeldLock; probes: ProbeOutcome[] }): FreePortResult {
  const { n } = plan;
  registry.own(outcome.lock, n.hold ? 'hold' : 'lease', n.leaseMs);
  const warnings = [...plan.facts.warnings];
  for (const notice of takeLockNotices()) {
    warnings.push({ code: notice.code, severity: 'warning', message: notice.message });
    n.onLockNotice?.(notice, port);
  }
  return {
    port,
    protocols: [...n.protocols],
    held: n.hold,
    leaseMs: n.hold ? 0 : n.leaseMs,
    probes: outcome.probes,
    avoided: plan.summary,
    warnings,
  };
}

/**
 * Allocates `count` ports (all or nothing: on failure every port taken so far is released). Each port is owned by
 * this process as a hold or a lease, per the options.
 */
export async function allocate(n: NormalizedOptions, count: number): Promise<FreePortResult[]> {
  const planned = makePlan(n);
  const plan = planned instanceof Promise ? await planned : planned;
  // The common call (one port, no preference, random order) takes its first random pick without building the search.
  if (count === 1 && n.preferred === undefined && n.order === 'random' && n.seed === undefined && plan.pool.size > 0) {
    const port = randomPortOf(plan.pool);
    const attempt = tryCandidate(plan, port);
    const outcome = attempt instanceof Promise ? await attempt : attempt;
    if (!('rejection' in outcome)) return [take(plan, port, outcome)];
    return search(plan, count, outcome.rejection);
  }
  return search(plan, count);
}

/** The full search: every candidate in turn, until `count` ports are taken or none is left. */
async function search(plan: Plan, count: number, refused?: PortRejection): Promise<FreePortResult[]> {
  const { n } = plan;
  const taken: FreePortResult[] = [];
  const tally = new Map<RejectReason, number>();
  const reject = (r: PortRejection) => {
    tally.set(r.reason, (tally.get(r.reason) ?? 0) + 1);
    n.onReject?.(r);
  };
  const tried = new Set<number>();
  if (refused) {
    reject(refused);
    tried.add(refused.port);
  }
  try {
    for (const candidate of candidates(plan, tried)) {
      if (candidate === NEEDS_PLANNING) {
        planning ??= await import('@ephemeral-ports/core');
        continue;
      }
      const { port, preferred } = candidate;
      let honoured: PreferredNotice | undefined;
      if (preferred) {
        const why = staticReason(plan, port);
        if (why && n.preferredPolicy === 'honour' && isKernelRule(why)) honoured = why;
        else if (why) {
          reject(why);
          continue;
        }
      }
      const attempt = tryCandidate(plan, port);
      const outcome = attempt instanceof Promise ? await attempt : attempt;
      if ('rejection' in outcome) {
        reject(outcome.rejection);
        continue;
      }
      taken.push(take(plan, port, outcome));
      if (honoured) n.onHonoured?.(honoured);
      if (taken.length === count) return taken;
    }
  } catch (error) {
    for (const t of taken) registry.release(t.port);
    throw error;
  }
  for (const t of taken) registry.release(t.port);
  throw noFreePort(plan, count, taken.length, tally);
}

/** Rules read from the kernel (as opposed to the caller's own exclude/avoid lists). */
function isKernelRule(rejection: PortRejection): rejection is PreferredNotice {
  return ['ephemeral', 'reserved', 'excluded-range', 'privileged'].includes(rejection.reason);
}

function noFreePort(plan: Plan, count: number, found: number, tally: Map<RejectReason, number>): EphemeralPortsError {
  if (plan.pool.isEmpty) return emptyPool(plan, count, found);
  const why = [...tally].map(([reason, k]) => `${k} ${reason}`).join(', ') || 'no candidates';
  const text = plan.pool.toString();
  const shown = text.length > 120 ? `${text.slice(0, 120)}…` : text || 'empty';
  return new EphemeralPortsError(
    ErrorCodes.NO_FREE_PORT,
    `found ${found} of ${count} free port(s): the search pool had ${plan.pool.size} port(s) (${shown}), refused: ${why}`,
    {
      remedy:
        'widen `range`, shorten `exclude`/`avoid.ports`, release held ports, or move the ephemeral range ' +
        '(`ephemeral-ports set`) to leave room outside it',
    },
  );
}

/**
 * Nothing to search: say which avoided sets cover the search range (the ephemeral range, most often) and the
 * option that lifts each, instead of an empty pool with no reason.
 */
function emptyPool(plan: Plan, count: number, found: number): EphemeralPortsError {
  const { n, facts, privilegedBelow } = plan;
  const within = PortSet.of(n.range ?? DEFAULT_SEARCH);
  const covers: Array<[string, PortSet | PortRange, string | undefined]> = [
    ...plan.summary.ephemeral.map((e): [string, PortRange, string] => [
      `the ${e.protocol} ephemeral range ${formatRange(e.range)}`,
      e.range,
      '`avoid: { ephemeral: false }`',
    ]),
    [`the ${facts.reservedKind === 'excluded' ? 'excluded port ranges' : 'reserved ports'}`, n.avoid.reserved ? facts.reserved : PortSet.EMPTY, '`avoid: { reserved: false }`'],
    [`the privileged ports below ${privilegedBelow}`, privilegedBelow > 0 ? { low: 0, high: privilegedBelow - 1 } : PortSet.EMPTY, '`avoid: { privileged: false }`'],
    ['the exclude list', n.exclude, undefined],
    ['avoid.ports', n.avoid.ports, undefined],
  ];
  const hits = covers
    .map(([what, set, lift]) => ({ what, lift, size: within.intersect(set).size }))
    .filter((h) => h.size > 0);
  const sets = hits.map((h) => `${h.size === within.size ? 'all' : h.size} in ${h.what}`).join(', ');
  const lifts = hits.flatMap((h) => (h.lift ? [h.lift] : []));
  return new EphemeralPortsError(
    ErrorCodes.NO_FREE_PORT,
    `found ${found} of ${count} free port(s): every port of the search range ${within} is avoided: ${sets}`,
    { remedy: `search a \`range\` outside ${hits.length === 1 ? 'it' : 'them'}${lifts.length > 0 ? `, or stop avoiding with ${lifts.join(' / ')}` : ''}` },
  );
}
