#!/usr/bin/env node
/**
 * A netsh double (EMULATED Windows) for the commands the Windows backend runs. Its rules, and where each comes from:
 *
 * KB929851 "The default dynamic port range for TCP/IP has changed since Windows Vista and in Windows Server 2008"
 * (MicrosoftDocs/SupportArticles-docs support/windows-server/networking/default-dynamic-port-range-tcpip-chang.md):
 *   - `netsh int ipv4|ipv6 show dynamicport tcp|udp` shows a range; `netsh int <ipv4|ipv6> set dynamic <tcp|udp>
 *     start=number num=range` sets it (also spelled `dynamicport`, as in the KB's sample commands; netsh takes
 *     unambiguous prefixes, so `dynamicportrange` works too);
 *   - "The range is set separately for each transport (TCP or UDP)";
 *   - "The minimum range of ports that can be set is 255. The minimum start port that can be set is 1025. The
 *     maximum end port (based on the range being configured) cannot exceed 65535." A value outside them (so
 *     `start=1024`, which Hyper-V and Visual Studio installs leave behind) is refused: "The parameter is
 *     incorrect." and exit 1. The KB gives no text; netsh prints the system message of the Win32 error, and this
 *     is ERROR_INVALID_PARAMETER's (87) in "System Error Codes (0-499)" (learn.microsoft.com), platform-facts §8.2.
 *     What writes such a range back is Set-NetTCPSetting (powershell-double.mjs, over this same state).
 *   - The KB offers the command per IP version and does not say whether ipv4 and ipv6 share one range (an older
 *     revision said the range is set "for each version of IP"). The double keeps a range PER FAMILY: a backend that
 *     sets only one family leaves the other behind here, which the tests then see. `agreeFamilies: true` makes the
 *     families one object (the other reading) so the backend is tested against both.
 * Stores (platform-facts §8.2, netsh's own help): store=active lasts until reboot; store=persistent, the default
 *   of `set`, is what the next boot applies, and applies now too. `show` reads the active store unless
 *   `store=persistent` is given.
 * Elevation: `set`, `add` and `delete` need an elevated process: "The requested operation requires elevation
 *   (Run as administrator)." (ERROR_ELEVATION_REQUIRED, 740).
 * Excluded ranges (`show|add|delete excludedportrange protocol=tcp|udp [startport= numberofports=] [store=]`):
 *   administered rows carry `*` ("* - Administered port exclusions."); the persistent reservation API
 *   (Create/Lookup/DeletePersistent{Tcp,Udp}PortReservation, iphlpapi.h) takes no address family, so its
 *   reservations show in both families' lists; system blocks may be given per family (`systemExcluded`).
 *   Create returns ERROR_SHARING_VIOLATION for ports that overlap a reservation, ERROR_ACCESS_DENIED when not
 *   elevated, ERROR_INVALID_PARAMETER for zero or too many ports (the API's documented returns, platform-facts §8.4).
 * Output is netsh's layout with CRLF line ends, in the state's display language (en, de, ja, zh; labels from the
 * recorded outputs in packages/win32/src/netsh-samples.fixture.ts), so that the parsers are exercised through the
 * backend too; `silent: true` behaves like Wine's stub (prints nothing, exit 0); `refuseSet: 'ipv6'` makes every
 * `set` of that family fail (a failure between the two families' writes).
 *
 * State lives in a JSON file: `node netsh-double.mjs --state <file> <netsh args…>`. The module also exports the
 * persistent-reservation API over the same state, so that an emulated addon and this netsh agree, as on Windows.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const DEFAULT = { start: 49152, count: 16384 };
const FAMILIES = ['ipv4', 'ipv6'];
const range = () => ({ tcp: { ...DEFAULT }, udp: { ...DEFAULT } });

export function initialState(overrides = {}) {
  return {
    language: 'en',
    elevated: true,
    silent: false,
    agreeFamilies: false,
    refuseSet: null,
    active: { ipv4: range(), ipv6: range() },
    persistent: { ipv4: range(), ipv6: range() },
    // [low, high, administered]: reservations (both families) and per-family system blocks
    excluded: { tcp: [], udp: [] },
    systemExcluded: { ipv4: { tcp: [], udp: [] }, ipv6: { tcp: [], udp: [] } },
    // the PowerShell double's switches (powershell-double.mjs): what Microsoft leaves undocumented
    powershell: { families: [...FAMILIES], stores: ['active', 'persistent'], missing: false },
    calls: [],
    psCalls: [],
    ...overrides,
  };
}

/** The same range for every family and both stores (a fresh machine after `set`). */
export function sameEverywhere(tcp, udp = DEFAULT) {
  const r = () => ({ tcp: { ...tcp }, udp: { ...udp } });
  return { active: { ipv4: r(), ipv6: r() }, persistent: { ipv4: r(), ipv6: r() } };
}

export const readState = (file) => JSON.parse(readFileSync(file, 'utf8'));
export const writeState = (file, state) => writeFileSync(file, JSON.stringify(state, null, 1));

const TEXT = {
  en: {
    dyn: (p) => `Protocol ${p} Dynamic Port Range`,
    start: 'Start Port      : ',
    num: 'Number of Ports : ',
    excl: (p) => `Protocol ${p} Port Exclusion Ranges`,
    cols: 'Start Port    End Port',
    legend: '* - Administered port exclusions.',
    ok: 'Ok.',
    bad: 'The parameter is incorrect.',
    elevation: 'The requested operation requires elevation (Run as administrator).',
    inUse: 'The process cannot access the file because it is being used by another process.',
    notFound: 'Element not found.',
  },
  de: {
    dyn: (p) => `Protokoll ${p} Dynamischer Portbereich`,
    start: 'Startport       : ',
    num: 'Anzahl von Ports: ',
    excl: (p) => `Portausschlussbereiche für das Protokoll "${p}"`,
    cols: 'Startport      Endport',
    legend: '* - Verwaltete Portausschlüsse.',
    ok: 'OK.',
    bad: 'Falscher Parameter.',
    elevation: 'Für den angeforderten Vorgang sind erhöhte Rechte erforderlich (Als Administrator ausführen).',
    inUse: 'Der Prozess kann nicht auf die Datei zugreifen, da sie von einem anderen Prozess verwendet wird.',
    notFound: 'Element nicht gefunden.',
  },
  ja: {
    dyn: (p) => `プロトコル ${p} の動的ポートの範囲`,
    start: '開始ポート      : ',
    num: 'ポート数        : ',
    excl: (p) => `プロトコル ${p} ポート除外範囲`,
    cols: '開始ポート    終了ポート',
    legend: '* - 管理されている除外ポート。',
    ok: 'OK',
    bad: 'パラメーターが間違っています。',
    elevation: '要求された操作には管理者特権が必要です。',
    inUse: 'プロセスはファイルにアクセスできません。別のプロセスが使用中です。',
    notFound: '要素が見つかりません。',
  },
  zh: {
    dyn: (p) => `协议 ${p} 动态端口范围`,
    start: '启动端口        : ',
    num: '端口数          : ',
    excl: (p) => `协议 ${p} 端口排除范围`,
    cols: '开始端口    结束端口',
    legend: '* - 管理的端口排除。',
    ok: '确定。',
    bad: '参数错误。',
    elevation: '请求的操作需要提升(作为管理员运行)。',
    inUse: '另一个程序正在使用此文件，进程无法访问。',
    notFound: '找不到元素。',
  },
};

/** Creates a persistent reservation; returns [errorName | null, token]. Shared with the emulated addon. */
export function createReservation(state, protocol, start, count) {
  if (!state.elevated) return ['ERROR_ACCESS_DENIED', 0n];
  if (!(start >= 1 && count >= 1 && start + count - 1 <= 65535)) return ['ERROR_INVALID_PARAMETER', 0n];
  const high = start + count - 1;
  const taken = [...state.excluded[protocol], ...FAMILIES.flatMap((f) => state.systemExcluded?.[f]?.[protocol] ?? [])];
  if (taken.some(([l, h]) => l <= high && start <= h)) return ['ERROR_SHARING_VIOLATION', 0n];
  state.excluded[protocol].push([start, high, true]);
  state.excluded[protocol].sort((a, b) => a[0] - b[0]);
  return [null, BigInt(start) * 65536n + BigInt(count)];
}

export function lookupReservation(state, protocol, start, count) {
  const high = start + count - 1;
  return state.excluded[protocol].some(([l, h, admin]) => admin && l === start && h === high)
    ? BigInt(start) * 65536n + BigInt(count)
    : null;
}

export function deleteReservation(state, protocol, start, count) {
  if (!state.elevated) return 'ERROR_ACCESS_DENIED';
  const high = start + count - 1;
  const i = state.excluded[protocol].findIndex(([l, h, admin]) => admin && l === start && h === high);
  if (i < 0) return 'ERROR_NOT_FOUND';
  state.excluded[protocol].splice(i, 1);
  return null;
}

/** The rows `show excludedportrange` lists for one family. */
export function excludedRows(state, family, protocol) {
  return [...state.excluded[protocol], ...(state.systemExcluded?.[family]?.[protocol] ?? [])].sort((a, b) => a[0] - b[0]);
}

const DYNAMIC = /^dynamic(port(range)?)?$/;

/** Runs one netsh command line against `state` (mutated); returns { out, code }. */
export function netsh(state, argv) {
  state.calls.push(argv);
  if (state.silent) return { out: '', code: 0 };
  const t = TEXT[state.language] ?? TEXT.en;
  const args = argv.map((a) => a.toLowerCase());
  const kv = Object.fromEntries(args.filter((a) => a.includes('=')).map((a) => a.split('=', 2)));
  const words = args.filter((a) => !a.includes('='));
  const fail = (msg) => ({ out: `${msg}\r\n\r\n`, code: 1 });
  const notFound = () => fail(`The following command was not found: ${argv.join(' ')}.`);
  if (words[0] !== 'int' && words[0] !== 'interface') return notFound();
  const family = words[1];
  if (!FAMILIES.includes(family)) return notFound();
  const [verb, object] = [words[2], words[3]];
  const protocol = kv.protocol ?? words[4];
  if (protocol !== 'tcp' && protocol !== 'udp') return fail(t.bad);
  const store = kv.store ?? (verb === 'show' ? 'active' : 'persistent');
  if (store !== 'active' && store !== 'persistent') return fail(t.bad);
  if (verb !== 'show' && !state.elevated) return fail(t.elevation);
  const num = (v) => (/^\d+$/.test(v ?? '') ? Number(v) : Number.NaN);
  const targets = (f) => (state.agreeFamilies ? FAMILIES : [f]);

  if (DYNAMIC.test(object ?? '')) {
    if (verb === 'show') {
      const r = state[store][family][protocol];
      return {
        out: `\r\n${t.dyn(protocol)}\r\n---------------------------------\r\n${t.start}${r.start}\r\n${t.num}${r.count}\r\n\r\n`,
        code: 0,
      };
    }
    if (verb === 'set') {
      if (state.refuseSet === family) return fail(t.bad);
      const start = num(kv.start);
      const count = num(kv.num);
      if (!(start >= 1025 && count >= 255 && start + count - 1 <= 65535)) return fail(t.bad);
      for (const f of targets(family)) {
        state.active[f][protocol] = { start, count };
        if (store === 'persistent') state.persistent[f][protocol] = { start, count };
      }
      return { out: `${t.ok}\r\n\r\n`, code: 0 };
    }
  }
  if (object === 'excludedportrange') {
    if (verb === 'show') {
      const rows = excludedRows(state, family, protocol)
        .map(([l, h, admin]) => `${String(l).padStart(10)}  ${String(h).padStart(10)}${admin ? '     *' : ''}`)
        .join('\r\n');
      return {
        out: `\r\n${t.excl(protocol)}\r\n\r\n${t.cols}\r\n----------    --------\r\n${rows}${rows ? '\r\n' : ''}\r\n${t.legend}\r\n\r\n`,
        code: 0,
      };
    }
    const start = num(kv.startport);
    const count = num(kv.numberofports);
    if (!(start >= 1 && count >= 1)) return fail(t.bad);
    if (verb === 'add') {
      const [err] = createReservation(state, protocol, start, count);
      return err === null ? { out: `${t.ok}\r\n\r\n`, code: 0 } : fail(err === 'ERROR_SHARING_VIOLATION' ? t.inUse : t.bad);
    }
    if (verb === 'delete') {
      const err = deleteReservation(state, protocol, start, count);
      return err === null ? { out: `${t.ok}\r\n\r\n`, code: 0 } : fail(t.notFound);
    }
  }
  return notFound();
}

// As a program: node netsh-double.mjs --state <file> <args…>
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [flag, file, ...rest] = process.argv.slice(2);
  if (flag !== '--state' || !file) {
    process.stderr.write('usage: netsh-double.mjs --state <file> <netsh args…>\n');
    process.exit(2);
  }
  const state = readState(file);
  const { out, code } = netsh(state, rest);
  writeState(file, state);
  process.stdout.write(out);
  process.exitCode = code;
}
