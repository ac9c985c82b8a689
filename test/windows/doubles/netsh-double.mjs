#!/usr/bin/env node
/**
 * A netsh double (EMULATED Windows) for the commands the Windows backend runs, following the documented rules:
 *   int ipv4|ipv6 show dynamicport tcp|udp [store=active|persistent]
 *   int ipv4|ipv6 set dynamicport tcp|udp start=N num=M [store=active|persistent]   (default store: persistent)
 *   int ipv4|ipv6 show|add|delete excludedportrange protocol=tcp|udp [startport=N numberofports=M] [store=…]
 * Rules (KB929851, platform-facts §8): start ≥ 1025, num ≥ 255, start + num − 1 ≤ 65535, else "The parameter is
 * incorrect." and exit 1; `set`/`add`/`delete` need elevation; store=active lasts until reboot, store=persistent
 * changes the boot value and the live one. Output is netsh's layout with CRLF line ends, in the state's display
 * language (en, de, ja, zh) so that the parsers are exercised through the backend too; `silent: true` behaves
 * like Wine's stub (prints nothing, exit 0).
 *
 * State lives in a JSON file: `node netsh-double.mjs --state <file> <netsh args…>`. The module also exports the
 * persistent-reservation API over the same state (what Create/Lookup/DeletePersistent*PortReservation do), so
 * an emulated addon and this netsh agree, as they do on Windows.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const DEFAULT = { start: 49152, count: 16384 };

export function initialState(overrides = {}) {
  return {
    language: 'en',
    elevated: true,
    silent: false,
    active: { tcp: { ...DEFAULT }, udp: { ...DEFAULT } },
    persistent: { tcp: { ...DEFAULT }, udp: { ...DEFAULT } },
    // [low, high, administered]
    excluded: { tcp: [], udp: [] },
    calls: [],
    ...overrides,
  };
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
  if (state.excluded[protocol].some(([l, h]) => l <= high && start <= h)) return ['ERROR_SHARING_VIOLATION', 0n];
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

/** Runs one netsh command line against `state` (mutated); returns { out, code }. */
export function netsh(state, argv) {
  state.calls.push(argv);
  if (state.silent) return { out: '', code: 0 };
  const t = TEXT[state.language] ?? TEXT.en;
  const args = argv.map((a) => a.toLowerCase());
  const kv = Object.fromEntries(args.filter((a) => a.includes('=')).map((a) => a.split('=', 2)));
  const words = args.filter((a) => !a.includes('='));
  const fail = (msg) => ({ out: `${msg}\r\n\r\n`, code: 1 });
  if (words[0] !== 'int' && words[0] !== 'interface') return fail(`The following command was not found: ${argv.join(' ')}.`);
  if (words[1] !== 'ipv4' && words[1] !== 'ipv6') return fail(`The following command was not found: ${argv.join(' ')}.`);
  const [verb, object] = [words[2], words[3]];
  const protocol = kv.protocol ?? words[4];
  if (protocol !== 'tcp' && protocol !== 'udp') return fail(t.bad);
  const store = kv.store ?? (verb === 'show' ? 'active' : 'persistent');
  if (store !== 'active' && store !== 'persistent') return fail(t.bad);
  const needsElevation = verb !== 'show';
  if (needsElevation && !state.elevated) return fail(t.elevation);
  const num = (v) => (/^\d+$/.test(v ?? '') ? Number(v) : Number.NaN);

  if (object === 'dynamicport' || object === 'dynamicportrange') {
    if (verb === 'show') {
      const r = state[store][protocol];
      return {
        out: `\r\n${t.dyn(protocol)}\r\n---------------------------------\r\n${t.start}${r.start}\r\n${t.num}${r.count}\r\n\r\n`,
        code: 0,
      };
    }
    if (verb === 'set') {
      const start = num(kv.start);
      const count = num(kv.num);
      if (!(start >= 1025 && count >= 255 && start + count - 1 <= 65535)) return fail(t.bad);
      state.active[protocol] = { start, count };
      if (store === 'persistent') state.persistent[protocol] = { start, count };
      return { out: `${t.ok}\r\n\r\n`, code: 0 };
    }
  }
  if (object === 'excludedportrange') {
    if (verb === 'show') {
      const rows = state.excluded[protocol]
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
  return fail(`The following command was not found: ${argv.join(' ')}.`);
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
