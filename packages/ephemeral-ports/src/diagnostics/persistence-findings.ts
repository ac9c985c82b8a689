/**
 * doctor()'s boot-persistence part: what persist status finds (a later file overriding ours, ours never read at
 * boot) as findings, and the remedies that persist pointed at the file that wins at boot. Persistence belongs to the
 * host, so a namespace's diagnosis leaves it out; a failure to read it (no permission, a backend without it) leaves
 * the census verdict as it is.
 */
import type { DoctorReport } from '@ephemeral-ports/core/diagnostics';

export async function withPersistence<T extends DoctorReport>(result: T, inNamespace: boolean): Promise<T> {
  if (inNamespace) return result;
  const { persistStatus, persistDoctorFindings, winningPersistFile } = await import('../persist-status.js');
  let status;
  try {
    status = await persistStatus();
  } catch {
    return result;
  }
  const { LINUX_PERSIST_FILE } = await import('@ephemeral-ports/core');
  const file = winningPersistFile(status);
  const findings = result.findings.map((f) => ({
    ...f,
    remedies: f.remedies.map((r) => (file === LINUX_PERSIST_FILE ? r : r.replace(`--persist  # persist: writes ${LINUX_PERSIST_FILE}`, `--persist --file ${file}  # persist: writes ${file}`))),
  }));
  findings.push(...persistDoctorFindings(status));
  const verdict = result.verdict === 'ok' && findings.some((f) => f.severity === 'warn') ? 'warn' : result.verdict;
  return { ...result, verdict, findings };
}
