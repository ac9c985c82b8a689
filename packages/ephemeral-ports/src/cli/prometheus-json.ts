/**
 * `metrics --json`: the samples of a Prometheus text exposition (format 0.0.4, as core's formatPrometheus writes
 * it) as JSON, one entry per sample with its family's help and type. Read back from the text, so the JSON and the
 * text cannot disagree.
 */
import { EphemeralPortsError, ErrorCodes } from '@ephemeral-ports/core/model';

export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  /** A number; `"NaN"`, `"+Inf"` or `"-Inf"` where JSON has no number for it. */
  value: number | string;
  help: string;
  type: string;
}

const SAMPLE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g;

export function metricSamples(text: string): MetricSample[] {
  const help = new Map<string, string>();
  const type = new Map<string, string>();
  const out: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      (meta[1] === 'HELP' ? help : type).set(meta[2]!, meta[3]!);
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new EphemeralPortsError(ErrorCodes.INTERNAL, `metrics: unreadable exposition line ${JSON.stringify(line)}`);
    const [, name, labelText = '', raw] = m;
    const labels: Record<string, string> = {};
    for (const [, key, value] of labelText.matchAll(LABEL)) labels[key!] = unescape(value!);
    const value = Number(raw);
    out.push({ name: name!, labels, value: Number.isFinite(value) ? value : raw!, help: help.get(name!) ?? '', type: type.get(name!) ?? 'untyped' });
  }
  return out;
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}
