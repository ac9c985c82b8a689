#!/usr/bin/env node
/**
 * A Windows PowerShell double (EMULATED Windows) for the one thing the Windows backend runs it for: writing back a
 * dynamic port range netsh refuses, with `Set-NetTCPSetting` / `Set-NetUDPSetting` of the NetTCPIP module. It
 * shares the netsh double's state (netsh-double.mjs), so netsh reads back what the cmdlet wrote, as on Windows.
 *
 * Rules, and where each comes from:
 * - Set-NetTCPSetting (learn.microsoft.com/powershell/module/nettcpip/set-nettcpsetting; MicrosoftDocs
 *   windows-powershell-docs docset/winserver2025-ps/nettcpip/Set-NetTCPSetting.md) and Set-NetUDPSetting (its
 *   example: `Set-NetUDPSetting -DynamicPortRangeStartPort 49152 -DynamicPortRangeNumberOfPorts 1700`):
 *   - `-DynamicPortRangeStartPort <UInt16>`: "The acceptable values for this parameter are: 1 through 65535."
 *     So start 1024 (or 1, or 1000) is ACCEPTED here, unlike netsh (KB929851: minimum start 1025).
 *   - `-DynamicPortRangeNumberOfPorts <UInt16>`: no bound beyond the type is documented.
 *   - Neither cmdlet has an address-family or a store parameter (the syntax blocks list none).
 * - A value that is not a UInt16 fails PowerShell's parameter binding before the cmdlet runs
 *   (FullyQualifiedErrorId `ParameterArgumentTransformationError,<cmdlet>`, category InvalidData): PowerShell's
 *   own behaviour for a typed parameter, not a NetTCPIP rule.
 * NOT documented, so chosen here and switchable in the state (the backend must read back, never assume):
 * - which families a call changes: `powershell.families`, default both (the cmdlet has no family parameter);
 * - which stores: `powershell.stores`, default active and persistent (netsh's own default for `set`);
 * - the refusal of start 0, of 0 ports and of a range past 65535: the Win32 error ERROR_INVALID_PARAMETER (87),
 *   reported by CIM cmdlets as FullyQualifiedErrorId `Windows System Error 87,<cmdlet>`, message "The parameter is
 *   incorrect." (its text in "System Error Codes (0-499)", learn.microsoft.com), category InvalidArgument;
 * - a process that is not elevated: ERROR_ACCESS_DENIED (5), "Access is denied.", category PermissionDenied;
 * - `powershell.missing: true` is a Windows without the NetTCPIP module (Windows 7): PowerShell's
 *   CommandNotFoundException ("The term '<cmdlet>' is not recognized ...").
 * Messages follow the state's display language (en, de, ja, zh), as Windows' own are translated; the backend reads
 * only the FullyQualifiedErrorId, which is never translated.
 *
 * Execution: the double checks the invocation (`-NoProfile -NonInteractive -Command <script>`, nothing else), finds
 * the one Set-Net*Setting command line in the script, applies it, and prints what the backend's script prints
 * after it: its `ConvertTo-Json -Compress` line (`{"ok":true}` or `{"ok":false,"errorId":…,"category":…,
 * "message":…}`), CRLF-terminated, exit 0 or 1. A script without that JSON line gets PowerShell's plain error
 * text on stderr instead.
 *
 * As a program: node powershell-double.mjs --state <netsh double state file> -NoProfile -NonInteractive -Command <script>
 */
import { pathToFileURL } from 'node:url';
import { readState, writeState } from './netsh-double.mjs';

const FAMILIES = ['ipv4', 'ipv6'];
const STORES = ['active', 'persistent'];

const TEXT = {
  en: { bad: 'The parameter is incorrect.', denied: 'Access is denied.' },
  de: { bad: 'Falscher Parameter.', denied: 'Zugriff verweigert' },
  ja: { bad: 'パラメーターが間違っています。', denied: 'アクセスが拒否されました。' },
  zh: { bad: '参数错误。', denied: '拒绝访问。' },
};

export const EXPECTED_ARGS = ['-NoProfile', '-NonInteractive', '-Command'];

const SET = /\bSet-Net(TCP|UDP)Setting\b([^;]*)/i;
const PARAM = /-(DynamicPortRangeStartPort|DynamicPortRangeNumberOfPorts)\s+(\S+)/gi;

/** Runs one powershell.exe command line against `state` (mutated); returns { out, err, code }. */
export function powershell(state, argv) {
  state.psCalls = state.psCalls ?? [];
  state.psCalls.push(argv);
  const t = TEXT[state.language] ?? TEXT.en;
  const options = { families: FAMILIES, stores: STORES, missing: false, ...(state.powershell ?? {}) };
  if (argv.length !== 4 || EXPECTED_ARGS.some((a, i) => argv[i] !== a)) {
    return { out: '', err: `double: expected ${EXPECTED_ARGS.join(' ')} <script>, got ${JSON.stringify(argv)}\r\n`, code: 2 };
  }
  const script = argv[3];
  const structured = /ConvertTo-Json/i.test(script);
  const m = SET.exec(script);
  if (!m) return { out: structured ? `${JSON.stringify({ ok: true })}\r\n` : '', err: '', code: 0 };
  const protocol = m[1].toLowerCase();
  const cmdlet = `Set-Net${m[1].toUpperCase()}Setting`;
  const params = Object.fromEntries([...m[2].matchAll(PARAM)].map((p) => [p[1].toLowerCase(), p[2]]));
  const answer = (errorId, category, message) => {
    const record = { ok: false, errorId: `${errorId},${cmdlet}`, category, message };
    return structured
      ? { out: `${JSON.stringify(record)}\r\n`, err: '', code: 1 }
      : { out: '', err: `${cmdlet} : ${message}\r\n    + FullyQualifiedErrorId : ${record.errorId}\r\n`, code: 1 };
  };
  if (options.missing) {
    return answer(
      'CommandNotFoundException',
      'ObjectNotFound',
      `The term '${cmdlet}' is not recognized as the name of a cmdlet, function, script file, or operable program.`,
    );
  }
  const values = {};
  for (const [key, name] of [['dynamicportrangestartport', 'DynamicPortRangeStartPort'], ['dynamicportrangenumberofports', 'DynamicPortRangeNumberOfPorts']]) {
    const raw = params[key];
    if (raw === undefined) continue;
    const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(n >= 0 && n <= 65535)) {
      return answer(
        'ParameterArgumentTransformationError',
        'InvalidData',
        `Cannot process argument transformation on parameter '${name}'. Cannot convert value "${raw}" to type "System.UInt16".`,
      );
    }
    values[key] = n;
  }
  if (!state.elevated) return answer('Windows System Error 5', 'PermissionDenied', t.denied);
  const current = state.active[FAMILIES[0]][protocol];
  const start = values.dynamicportrangestartport ?? current.start;
  const count = values.dynamicportrangenumberofports ?? current.count;
  if (start < 1 || count < 1 || start + count - 1 > 65535) return answer('Windows System Error 87', 'InvalidArgument', t.bad);
  const families = state.agreeFamilies ? FAMILIES : options.families;
  for (const store of options.stores) {
    for (const family of families) state[store][family][protocol] = { start, count };
  }
  return { out: structured ? `${JSON.stringify({ ok: true })}\r\n` : '', err: '', code: 0 };
}

// As a program: node powershell-double.mjs --state <file> <powershell args…>
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [flag, file, ...rest] = process.argv.slice(2);
  if (flag !== '--state' || !file) {
    process.stderr.write('usage: powershell-double.mjs --state <file> <powershell args…>\n');
    process.exit(2);
  }
  const state = readState(file);
  const { out, err, code } = powershell(state, rest);
  writeState(file, state);
  process.stdout.write(out);
  process.stderr.write(err);
  process.exitCode = code;
}
