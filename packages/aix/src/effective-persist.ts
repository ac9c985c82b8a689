/**
 * Which line sets the ephemeral range at the next AIX boot.
 *
 * 1. /etc/tunables/nextboot: what `no -p` / `no -r` record (IBM, "no Command": -p applies now and "to the
 *    nextboot file", -r "only to the nextboot file"). During boot `tunrestore -R` ("can only be called from the
 *    /etc/inittab file and changes tunable parameters to values from the /etc/tunables/nextboot file"; IBM,
 *    "tunrestore Command") applies it: a stanza file, `no:` then `tcp_ephemeral_low = "32768"` lines.
 * 2. /etc/rc.tcpip: init runs it "after the second phase of configuration has completed and after the init
 *    command has started the SRC master" (IBM, "rc.net File"), i.e. after the tunables are restored, so an active
 *    `no -o tunable=value` line there sets the value last and wins over nextboot.
 * A shell script cannot be run here: every uncommented `no` line is taken as run (one inside an `if` may not be).
 */
import type { BootPersistence, PersistedLine, PortRange, Protocol } from '@ephemeral-ports/core';
import { AIX_EPHEMERAL_TUNABLES } from './no-output.js';

export const AIX_NEXTBOOT = '/etc/tunables/nextboot';
export const AIX_RC_TCPIP = '/etc/rc.tcpip';
export const AIX_BOOT_RULE =
  'tunrestore -R (inittab) applies /etc/tunables/nextboot, then init runs /etc/rc.tcpip: a "no -o" line there wins';

/** The `no:` stanza's assignments of `names`, with line numbers. */
export function parseNextbootLines(text: string, file: string, names: readonly string[]): PersistedLine[] {
  const out: PersistedLine[] = [];
  let stanza = '';
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '');
    const head = /^(\S+):\s*$/.exec(line);
    if (head) {
      stanza = head[1]!;
      return;
    }
    const m = /^\s+(\w+)\s*=\s*"?([^"\s]*)"?\s*$/.exec(line);
    if (m && stanza === 'no' && names.includes(m[1]!)) out.push({ file, line: index + 1, key: m[1]!, value: m[2]! });
  });
  return out;
}

/** `no [-p|-r] -o name=value ...` lines of a shell script (comments skipped), each assignment of `names`. */
export function parseRcNoLines(text: string, file: string, names: readonly string[]): PersistedLine[] {
  const out: PersistedLine[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/(^|\s)#.*$/, '');
    if (!/(^|[\s;&|/])no\s/.test(line)) return;
    for (const m of line.matchAll(/-o\s*(\w+)=(\S+)/g)) {
      if (names.includes(m[1]!)) out.push({ file, line: index + 1, key: m[1]!, value: m[2]!.replace(/^["']|["']$/g, '') });
    }
  });
  return out;
}

export interface AixBootInput {
  protocol: Protocol;
  /** `note` says where the values come from when `text` is null. */
  nextboot: { file: string; text: string | null; note?: string };
  rcTcpip: { file: string; text: string | null };
  /** `no -x`'s next-boot values: used for what nextboot holds when its file cannot be read. */
  reported: PortRange | null;
  /** The range `no -p` wrote (or would write): our target is nextboot. */
  ours: PortRange | null;
}

export function predictAixBoot(input: AixBootInput): BootPersistence {
  const names = AIX_EPHEMERAL_TUNABLES[input.protocol];
  const keys = [names.low, names.high];
  const notes: string[] = [];
  const boot = input.nextboot.text === null ? [] : parseNextbootLines(input.nextboot.text, input.nextboot.file, keys);
  if (input.nextboot.text === null) notes.push(input.nextboot.note ?? `${input.nextboot.file} could not be read: its values are no -x's`);
  const rc = input.rcTcpip.text === null ? [] : parseRcNoLines(input.rcTcpip.text, input.rcTcpip.file, keys);
  if (rc.length > 0) notes.push(`${input.rcTcpip.file} is a shell script: every uncommented "no -o" line is taken as run`);

  const winners: PersistedLine[] = [];
  const value = (key: string, fallback: number | undefined): number | undefined => {
    const last = [...boot, ...rc].filter((l) => l.key === key).pop();
    if (last) winners.push(last);
    const n = last ? Number(last.value) : fallback;
    return n !== undefined && Number.isInteger(n) ? n : undefined;
  };
  const low = value(names.low, input.reported?.low);
  const high = value(names.high, input.reported?.high);
  const range = low !== undefined && high !== undefined ? { low, high } : null;

  const ours = input.ours;
  const overrides = ours === null ? [] : rc.filter((l) => Number(l.value) !== (l.key === names.low ? ours.low : ours.high));
  const lost = overrides.length > 0 && !(range && ours && range.low === ours.low && range.high === ours.high);
  const fixes = lost
    ? overrides.map((l) => `delete line ${l.line} of ${l.file} (no -o ${l.key}=${l.value}), or make it -o ${l.key}=${l.key === names.low ? ours!.low : ours!.high}: nextboot already holds the value (no -p)`)
    : [];
  return {
    range,
    winners,
    overrides: lost ? overrides : [],
    targetRead: true,
    order: [input.nextboot.file, ...(input.rcTcpip.text === null ? [] : [input.rcTcpip.file])],
    rule: AIX_BOOT_RULE,
    fixes,
    notes,
  };
}
